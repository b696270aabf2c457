/**
 * Bytes of any supported bank file → the common statement model. Every failure is a BankParseError
 * naming the file and the line/element and field; nothing else escapes (see the fuzz tests).
 */
import { parseBai2Detailed } from './bai2.ts';
import { parseCamt } from './camt.ts';
import { detectBankFormat } from './detect.ts';
import { BankParseError, UnsupportedBankFormatError } from './errors.ts';
import type { BankFile } from './model.ts';
import { parseMt940 } from './mt940.ts';
import { parseNacha } from './nacha.ts';
import { parseOfx } from './ofx.ts';

export interface ParseOptions {
  /**
   * BAI2 trailers whose control totals or record counts disagree with the content refuse the file
   * unless this is set; then the differences become warnings. (Some banks' BAI2 — e.g. the Goldman
   * Sachs samples — do not follow the trailer arithmetic of the specification.)
   */
  readonly lenientControlTotals?: boolean;
}

function parseKnown(bytes: Uint8Array, file: string, opts: ParseOptions): BankFile {
  const family = detectBankFormat(bytes);
  switch (family) {
    case 'camt':
      return parseCamt(bytes, file);
    case 'ofx':
      return parseOfx(bytes, file);
    case 'nacha':
      return parseNacha(bytes, file);
    case 'mt940':
      return parseMt940(bytes, file);
    case 'bai2': {
      const r = parseBai2Detailed(bytes, file);
      if (r.controlErrors.length === 0) return r.file;
      const list = r.controlErrors.map((e) => `line ${e.line} ${e.field}: ${e.message}`);
      if (opts.lenientControlTotals) return { ...r.file, warnings: [...r.file.warnings, ...list] };
      const first = r.controlErrors[0];
      throw new BankParseError(
        'bai2',
        `control totals do not tie (${r.controlErrors.length} difference${r.controlErrors.length > 1 ? 's' : ''}): ${list.join('; ')}`,
        { file, line: first?.line, field: first?.field },
      );
    }
    case null:
      throw new UnsupportedBankFormatError(
        'bank',
        'not a recognised bank file (expected camt.052/053/054 XML, MT940/MT942, BAI2, OFX or NACHA)',
        { file, line: 1 },
      );
  }
}

export function parseBankFile(bytes: Uint8Array, file: string, opts: ParseOptions = {}): BankFile {
  try {
    return parseKnown(bytes, file, opts);
  } catch (err) {
    if (err instanceof BankParseError) throw err;
    // A parser bug must still surface as a refusal of this file, never as a crash of the whole ingest.
    throw new BankParseError('bank', `unreadable file: ${(err as Error).message ?? String(err)}`, { file });
  }
}
