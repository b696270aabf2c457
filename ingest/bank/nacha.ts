/**
 * NACHA ACH files (94-character records): 1 file header, 5 batch header, 6 entry detail, 7 addenda
 * (05 payment-related remittance for CCD+/CTX, 98 notification of change, 99 return with R-code,
 * 10–18 IAT), 8 batch control, 9 file control. Each batch becomes one statement whose account is the
 * batch company; entries keep the direction of their transaction code. Control records are checked
 * field by field, and any difference refuses the whole file: a file whose own totals do not tie cannot
 * be trusted line by line.
 */
import { formatUnits, unitsFromMinor } from './decimal.ts';
import { BankParseError } from './errors.ts';
import type { BankEntry, BankFile, BankStatement, Direction } from './model.ts';
import { findCreditorReference } from './references.ts';
import { decodeLenient, splitLines } from './text.ts';

const FORMAT = 'nacha';
const RECORD = 94;

function fail(file: string, line: number, field: string, message: string): never {
  throw new BankParseError(FORMAT, message, { file, line, field });
}

interface Line {
  readonly text: string;
  readonly line: number;
}

function records(text: string, file: string): Line[] {
  const raw = splitLines(text);
  const out: Line[] = [];
  // Some systems send the records as one unbroken string of 94-character blocks.
  if (raw.filter((l) => l.trim() !== '').length === 1 && (raw[0]?.length ?? 0) > RECORD && (raw[0]?.length ?? 0) % RECORD === 0) {
    const s = raw[0] ?? '';
    for (let i = 0; i < s.length; i += RECORD) out.push({ text: s.slice(i, i + RECORD), line: i / RECORD + 1 });
    return out;
  }
  raw.forEach((l, i) => {
    if (l.trim() === '') return;
    if (l.length !== RECORD && !(l.length < RECORD && /^9{1,94}$/.test(l)) && l.trimEnd().length > RECORD) {
      fail(file, i + 1, 'record length', `record is ${l.length} characters long, NACHA records are ${RECORD}`);
    }
    out.push({ text: l.padEnd(RECORD, ' '), line: i + 1 });
  });
  return out;
}

const f = (s: string, from: number, to: number) => s.slice(from - 1, to);

function num(file: string, l: Line, from: number, to: number, field: string): bigint {
  const v = f(l.text, from, to).trim();
  if (!/^\d+$/.test(v)) fail(file, l.line, field, `'${f(l.text, from, to)}' (positions ${from}-${to}) is not a number`);
  return BigInt(v);
}

function yymmdd(file: string, l: Line, from: number, field: string): string | null {
  const raw = f(l.text, from, from + 5);
  if (raw.trim() === '') return null;
  const m = /^(\d{2})(\d{2})(\d{2})$/.exec(raw);
  if (!m) fail(file, l.line, field, `'${raw}' is not a YYMMDD date`);
  const y = 2000 + Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (mo < 1 || mo > 12 || dt.getUTCDate() !== d) fail(file, l.line, field, `'${raw}' is not a valid date`);
  return `${y}-${m[2]}-${m[3]}`;
}

function nonEmpty(s: string): string | null {
  const t = s.trim();
  return t ? t : null;
}

// Transaction codes ending 1–4 credit the receiver's account, 5–9 debit it (x1/x6 = return or NOC).
function directionOf(code: number): Direction | null {
  const last = code % 10;
  if (last >= 1 && last <= 4) return 'credit';
  if (last >= 5 && last <= 9) return 'debit';
  return null;
}

interface DraftEntry {
  readonly line: number;
  readonly code: number;
  readonly direction: Direction;
  readonly cents: bigint;
  readonly rdfi: bigint;
  readonly account: string;
  readonly name: string | null;
  readonly idNumber: string | null;
  readonly trace: string;
  readonly addenda: string[];
  returnReason: string | null;
}

export interface NachaBatchInfo {
  readonly companyName: string;
  readonly companyId: string;
  readonly secCode: string;
  readonly description: string;
  readonly totalDebit: string;
  readonly totalCredit: string;
}

export function parseNacha(bytes: Uint8Array, file: string): BankFile & { batches: NachaBatchInfo[] } {
  const { text } = decodeLenient(bytes);
  const recs = records(text, file);
  const first = recs[0];
  if (!first || first.text[0] !== '1') fail(file, first?.line ?? 1, 'record type', 'a NACHA file must start with a 1 (file header) record');
  if (f(first.text, 35, 37) !== '094') fail(file, first.line, 'record size', `file header says records are '${f(first.text, 35, 37)}' long, expected 094`);
  const created = yymmdd(file, first, 24, 'file creation date');
  const statements: BankStatement[] = [];
  const batches: NachaBatchInfo[] = [];
  let batch: { header: Line; iat: boolean; entries: DraftEntry[]; records: number; hash: bigint; debit: bigint; credit: bigint } | null = null;
  let fileTotals = { batches: 0, records: 0, hash: 0n, debit: 0n, credit: 0n };
  let ended = false;

  for (let i = 1; i < recs.length; i++) {
    const l = recs[i];
    if (!l) continue;
    const type = l.text[0];
    if (ended) {
      if (/^9+$/.test(l.text.trim())) continue; // block padding
      fail(file, l.line, 'record type', 'record after the file control (9) record');
    }
    switch (type) {
      case '5': {
        if (batch) fail(file, l.line, 'batch header', 'batch header inside a batch (8 batch control missing)');
        batch = { header: l, iat: f(l.text, 51, 53) === 'IAT', entries: [], records: 0, hash: 0n, debit: 0n, credit: 0n };
        break;
      }
      case '6': {
        if (!batch) fail(file, l.line, 'entry detail', 'entry detail outside a batch');
        const code = Number(num(file, l, 2, 3, 'transaction code'));
        const direction = directionOf(code);
        if (direction === null) fail(file, l.line, 'transaction code', `unknown transaction code ${f(l.text, 2, 3)}`);
        const cents = num(file, l, 30, 39, 'amount');
        const rdfi = num(file, l, 4, 11, 'receiving DFI identification');
        const ctx = f(batch.header.text, 51, 53) === 'CTX';
        batch.entries.push({
          line: l.line,
          code,
          direction,
          cents,
          rdfi,
          account: batch.iat ? f(l.text, 40, 74).trim() : f(l.text, 13, 29).trim(),
          name: batch.iat ? null : nonEmpty(ctx ? f(l.text, 59, 74) : f(l.text, 55, 76)),
          idNumber: batch.iat ? null : nonEmpty(f(l.text, 40, 54)),
          trace: f(l.text, 80, 94).trim(),
          addenda: [],
          returnReason: null,
        });
        batch.records++;
        batch.hash += rdfi;
        if (direction === 'debit') batch.debit += cents;
        else batch.credit += cents;
        break;
      }
      case '7': {
        const entry = batch?.entries[batch.entries.length - 1];
        if (!batch || !entry) fail(file, l.line, 'addenda', 'addenda record without an entry detail before it');
        batch.records++;
        const addendaType = f(l.text, 2, 3);
        if (addendaType === '05') {
          const info = f(l.text, 4, 83).trim();
          if (info) entry.addenda.push(info);
        } else if (addendaType === '99') {
          entry.returnReason = nonEmpty(f(l.text, 4, 6));
          const info = f(l.text, 36, 79).trim();
          if (info) entry.addenda.push(info);
        }
        break;
      }
      case '8': {
        if (!batch) fail(file, l.line, 'batch control', 'batch control without a batch header');
        const checks: [string, bigint, bigint][] = [
          ['entry/addenda count', num(file, l, 5, 10, 'entry/addenda count'), BigInt(batch.records)],
          ['entry hash', num(file, l, 11, 20, 'entry hash'), batch.hash % 10_000_000_000n],
          ['total debit amount', num(file, l, 21, 32, 'total debit'), batch.debit],
          ['total credit amount', num(file, l, 33, 44, 'total credit'), batch.credit],
        ];
        for (const [field, stated, computed] of checks) {
          if (stated !== computed) {
            fail(file, l.line, `batch control ${field}`, `batch ${f(batch.header.text, 88, 94).trim()}: control record says ${stated} but the batch holds ${computed}; the file is refused`);
          }
        }
        const h = batch.header.text;
        const companyName = f(h, 5, 20).trim();
        const companyId = f(h, 41, 50).trim();
        const effective = yymmdd(file, batch.header, 70, 'effective entry date');
        const date = effective ?? created;
        const entries: BankEntry[] = batch.entries.map((e, idx) => {
          const returned = e.returnReason !== null;
          return {
            index: idx + 1,
            line: e.line,
            element: null,
            direction: e.direction,
            amount: formatUnits(unitsFromMinor(e.cents, 2)),
            // ACH settles in US dollars, IAT included (conversion happens at the foreign gateway).
            currency: 'USD',
            bookingDate: date,
            valueDate: date,
            payerName: e.direction === 'credit' ? nonEmpty(companyName) : e.name,
            payerAccount: e.direction === 'credit' ? nonEmpty(companyId) : nonEmpty(e.account),
            bankReference: e.trace,
            endToEndId: e.idNumber,
            entryReference: e.trace,
            creditorReference: findCreditorReference(e.addenda.join(' ')),
            remittance: e.addenda,
            reversal: false,
            returnReason: e.returnReason,
            returned,
            typeCode: `${String(e.code).padStart(2, '0')}/${batch?.iat ? 'IAT' : f(h, 51, 53)}`,
            status: null,
            transactions: [],
          };
        });
        statements.push({
          id: `${companyId}/${f(h, 88, 94).trim()}`,
          sequence: f(h, 88, 94).trim(),
          accountId: companyId || companyName,
          iban: null,
          bic: null,
          currency: 'USD',
          opening: null,
          closing: null,
          closingAvailable: null,
          balances: [],
          fromDate: date,
          toDate: date,
          entries,
          line: batch.header.line,
          element: null,
        });
        batches.push({
          companyName,
          companyId,
          secCode: batch.iat ? 'IAT' : f(h, 51, 53),
          description: f(h, 54, 63).trim(),
          totalDebit: formatUnits(unitsFromMinor(batch.debit, 2)),
          totalCredit: formatUnits(unitsFromMinor(batch.credit, 2)),
        });
        fileTotals = {
          batches: fileTotals.batches + 1,
          records: fileTotals.records + batch.records,
          hash: fileTotals.hash + batch.hash,
          debit: fileTotals.debit + batch.debit,
          credit: fileTotals.credit + batch.credit,
        };
        batch = null;
        break;
      }
      case '9': {
        if (batch) fail(file, l.line, 'file control', 'file control while a batch is open (8 batch control missing)');
        const checks: [string, bigint, bigint][] = [
          ['batch count', num(file, l, 2, 7, 'batch count'), BigInt(fileTotals.batches)],
          ['entry/addenda count', num(file, l, 14, 21, 'entry/addenda count'), BigInt(fileTotals.records)],
          ['entry hash', num(file, l, 22, 31, 'entry hash'), fileTotals.hash % 10_000_000_000n],
          ['total debit amount', num(file, l, 32, 43, 'total debit'), fileTotals.debit],
          ['total credit amount', num(file, l, 44, 55, 'total credit'), fileTotals.credit],
        ];
        for (const [field, stated, computed] of checks) {
          if (stated !== computed) {
            fail(file, l.line, `file control ${field}`, `file control record says ${field} ${stated} but the file holds ${computed}; the file is refused`);
          }
        }
        ended = true;
        break;
      }
      default:
        fail(file, l.line, 'record type', `unknown record type '${type ?? ''}'`);
    }
  }
  const last = recs[recs.length - 1];
  if (!ended) fail(file, last?.line ?? 1, 'file control', `the file ends without a file control (9) record${batch ? ' and its last batch has no batch control (8)' : ''}; it may be truncated`);
  return { format: 'nacha', version: null, messageId: `${f(first.text, 14, 23).trim()}/${f(first.text, 34, 34)}`, statements, warnings: [], batches };
}
