import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FileError } from '../../core/errors.ts';
import { parseBai2Detailed } from '../../ingest/bank/bai2.ts';
import { parseCamt } from '../../ingest/bank/camt.ts';
import { detectBankFormat } from '../../ingest/bank/detect.ts';
import { BankParseError, UnsupportedBankFormatError } from '../../ingest/bank/errors.ts';
import { parseMt940 } from '../../ingest/bank/mt940.ts';
import { parseNacha } from '../../ingest/bank/nacha.ts';
import { parseOfx } from '../../ingest/bank/ofx.ts';
import { parseBankFile } from '../../ingest/bank/parse.ts';
import { fixtureBytes } from './bank-helpers.ts';

const enc = (s: string) => new TextEncoder().encode(s);

function errorOf(fn: () => unknown): BankParseError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BankParseError);
    expect(err).toBeInstanceOf(FileError);
    return err as BankParseError;
  }
  throw new Error('expected a BankParseError, nothing was thrown');
}

const MINIMAL_CAMT = (ns: string, body = '') => `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:${ns}"><BkToCstmrStmt><GrpHdr><MsgId>M1</MsgId></GrpHdr>
<Stmt><Id>S1</Id><Acct><Id><IBAN>DE02120300000000202051</IBAN></Id></Acct>${body}</Stmt></BkToCstmrStmt></Document>`;

describe('format detection', () => {
  it.each([
    ['camt053/genkgo-v02-two-statements.xml', 'camt'],
    ['camt054/genkgo-v08-uetr.xml', 'camt'],
    ['mt940/wolph-mbank-pl.sta', 'mt940'],
    ['mt940/jejik-abnamro-two-statements-intermediate.sta', 'mt940'],
    ['mt940/jejik-rabobank-iban-structured-86.sta', 'mt940'],
    ['bai2/moov-sample3-records-run-together.bai2', 'bai2'],
    ['ofx/ofxparse-bank-medium-cad.ofx', 'ofx'],
    ['ofx/ofxparse-suncorp-cdata-aud.ofx', 'ofx'],
    ['nacha/moov-ccd-debit.ach', 'nacha'],
  ])('%s → %s', (path, family) => {
    expect(detectBankFormat(fixtureBytes(path))).toBe(family);
  });

  it('a CSV is not a bank file', () => {
    expect(detectBankFormat(enc('payment_id,received_date,amount\nP1,2024-01-01,10.00\n'))).toBeNull();
    const e = errorOf(() => parseBankFile(enc('a,b\n1,2\n'), 'x.csv'));
    expect(e).toBeInstanceOf(UnsupportedBankFormatError);
    expect(e.describe()).toMatch(/^x\.csv, line 1: bank: not a recognised bank file/);
  });
});

describe('bad input gives a typed error naming file, line/element and field', () => {
  it('camt: unknown message version names the version', () => {
    const e = errorOf(() => parseCamt(enc(MINIMAL_CAMT('camt.053.001.99')), 'v99.xml'));
    expect(e).toBeInstanceOf(UnsupportedBankFormatError);
    expect(e.message).toContain('camt.053.001.99');
    expect(e.location).toMatchObject({ file: 'v99.xml', element: 'Document', field: 'xmlns' });
  });

  it('camt: malformed XML reports the line', () => {
    const xml = MINIMAL_CAMT('camt.053.001.02', '<Bal><Amt Ccy="EUR">1.00</Amt>\n<CdtDbtInd>CRDT</CdtDbtInd></Ball>');
    const e = errorOf(() => parseCamt(enc(xml), 'bad.xml'));
    expect(e.message).toMatch(/malformed XML/);
    expect(e.location.line).toBe(4);
  });

  it('camt: a bad amount names the element path and field', () => {
    const xml = MINIMAL_CAMT('camt.053.001.02', '<Ntry><Amt Ccy="EUR">12,50</Amt><CdtDbtInd>CRDT</CdtDbtInd></Ntry>');
    const e = errorOf(() => parseCamt(enc(xml), 'amt.xml'));
    expect(e.location).toMatchObject({ element: 'Stmt[1]/Ntry[1]/Amt', field: 'Amt' });
    expect(e.message).toContain("'12,50' is not a decimal amount");
  });

  it('camt: a date that does not exist on the calendar', () => {
    const xml = MINIMAL_CAMT('camt.053.001.04', '<Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2024-02-30</Dt></BookgDt></Ntry>');
    const e = errorOf(() => parseCamt(enc(xml), 'd.xml'));
    expect(e.location).toMatchObject({ element: 'Stmt[1]/Ntry[1]/BookgDt', field: 'BookgDt' });
    expect(e.message).toContain("'2024-02-30' is not an ISO date");
  });

  it('camt: invalid UTF-8 in a UTF-8 document is refused with its line; a Latin-1 declaration is honoured', () => {
    const body = '<Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><AddtlNtryInf>M\u00fcller</AddtlNtryInf></Ntry>';
    const latin1 = Uint8Array.from(MINIMAL_CAMT('camt.053.001.02', `\n${body}`), (c) => c.charCodeAt(0));
    const e = errorOf(() => parseCamt(latin1, 'l1.xml'));
    expect(e.message).toMatch(/not valid UTF-8 \(byte 0xfc/);
    expect(e.location).toMatchObject({ line: 4, field: 'encoding' });
    const declared = Uint8Array.from(
      MINIMAL_CAMT('camt.053.001.02', body).replace('encoding="UTF-8"', 'encoding="ISO-8859-1"'),
      (c) => c.charCodeAt(0),
    );
    expect(parseCamt(declared, 'l1.xml').statements[0]?.entries[0]?.remittance).toEqual(['Müller']);
  });

  it('BAI2: missing trailer', () => {
    const text = new TextDecoder().decode(fixtureBytes('bai2/moov-sample1-cad-two-accounts.bai2'));
    const cut = text.slice(0, text.indexOf('98,'));
    const e = errorOf(() => parseBai2Detailed(enc(cut), 'cut.bai2'));
    expect(e.message).toMatch(/without a 99 file trailer.*98 group trailer/);
    expect(e.location.field).toBe('99');
  });

  it('BAI2: wrong account control total names the 49 record line', () => {
    const text = new TextDecoder().decode(fixtureBytes('bai2/moov-sample1-cad-two-accounts.bai2')).replace('49,+00000000000834000', '49,+00000000000834001');
    const e = errorOf(() => parseBankFile(enc(text), 'tot.bai2'));
    expect(e.location).toMatchObject({ file: 'tot.bai2', line: 16, field: '49 account control total' });
    expect(e.message).toContain('trailer says 8340.01 but the amounts in the account sum to 8340.00');
  });

  it('MT940: broken :61: line', () => {
    const text = ':20:X\n:25:ACC\n:28C:1\n:60F:C240101EUR1,00\n:61:2401XXC1,00NTRF\n:62F:C240101EUR2,00\n-';
    const e = errorOf(() => parseMt940(enc(text), 'b.sta'));
    expect(e.location).toMatchObject({ file: 'b.sta', line: 5, field: ':61:' });
  });

  it('MT940: invalid date and amount without decimal comma', () => {
    expect(errorOf(() => parseMt940(enc(':20:X\n:25:A\n:60F:C241301EUR1,00\n:62F:C240101EUR1,00'), 'd.sta')).location).toMatchObject({ line: 3, field: ':60F:' });
    expect(errorOf(() => parseMt940(enc(':20:X\n:25:A\n:60F:C240101EUR1,00\n:61:240101C1.00NTRF\n:62F:C240101EUR1,00'), 'a.sta')).location.field).toBe(':61:');
  });

  it('MT940: Latin-1 bytes are decoded as Windows-1252', () => {
    const text = ':20:X\n:25:A\n:60F:C240101EUR1,00\n:61:240101C1,00NTRFNONREF\n:86:M\u00fcller Stra\u00dfe\n:62F:C240101EUR2,00\n-';
    const f = parseMt940(Uint8Array.from(text, (c) => c.charCodeAt(0)), 'l.sta');
    expect(f.statements[0]?.entries[0]?.remittance).toEqual(['Müller Straße']);
  });

  it('OFX: truncated file (unclosed aggregate) and malformed 2.x XML', () => {
    const text = new TextDecoder().decode(fixtureBytes('ofx/ofxparse-bank-medium-cad.ofx'));
    const e = errorOf(() => parseOfx(enc(text.slice(0, text.indexOf('</BANKTRANLIST>'))), 't.ofx'));
    expect(e.message).toMatch(/never closed/);
    const xml = new TextDecoder().decode(fixtureBytes('ofx/ofxparse-suncorp-cdata-aud.ofx')).replace('</TRNAMT>', '</TRNAMNT>');
    expect(errorOf(() => parseOfx(enc(xml), 'x.ofx')).message).toMatch(/malformed OFX 2 XML/);
  });

  it('NACHA: missing file control and wrong batch total', () => {
    const text = new TextDecoder().decode(fixtureBytes('nacha/moov-ccd-debit.ach'));
    const lines = text.split('\n');
    expect(errorOf(() => parseNacha(enc(lines.slice(0, 5).join('\n')), 'n.ach')).location.field).toBe('file control');
    const bad = text.replace('82250000020046276020000000500125', '82250000020046276020000000500126');
    const e = errorOf(() => parseNacha(enc(bad), 'n.ach'));
    expect(e.location).toMatchObject({ line: 5, field: 'batch control total debit amount' });
  });
});

// Fuzzing: whatever the bytes, a parser returns a model or throws BankParseError — never anything else.
const FUZZ_RUNS = 300;

function mutate(bytes: Uint8Array, edits: { pos: number; kind: number; byte: number }[]): Uint8Array {
  let out = Array.from(bytes);
  for (const e of edits) {
    const at = out.length === 0 ? 0 : e.pos % out.length;
    if (e.kind === 0) out[at] = e.byte;
    else if (e.kind === 1) out.splice(at, 0, e.byte);
    else if (e.kind === 2) out.splice(at, 1);
    else out = out.slice(0, at);
  }
  return Uint8Array.from(out);
}

function onlyTypedErrors(parse: (b: Uint8Array) => unknown, seeds: string[]) {
  const fixtures = seeds.map(fixtureBytes);
  const edit = fc.record({ pos: fc.nat(), kind: fc.integer({ min: 0, max: 3 }), byte: fc.integer({ min: 0, max: 255 }) });
  const input = fc.oneof(
    fc.uint8Array({ maxLength: 600 }),
    fc.tuple(fc.integer({ min: 0, max: fixtures.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 6 })).map(([i, edits]) =>
      mutate(fixtures[i] ?? new Uint8Array(), edits),
    ),
  );
  fc.assert(
    fc.property(input, (bytes) => {
      try {
        parse(bytes);
      } catch (err) {
        if (!(err instanceof BankParseError)) throw err;
      }
    }),
    { numRuns: FUZZ_RUNS, seed: 20261124 },
  );
}

describe('fuzz: parsers only ever throw BankParseError', () => {
  it('camt', () => {
    onlyTypedErrors((b) => parseCamt(b, 'f.xml'), [
      'camt053/viafintech-v02-de-vrbank-batch2-umlaut.xml',
      'camt053/genkgo-v02-two-statements.xml',
      'camt054/genkgo-v08-uetr.xml',
      'camt052/viafintech-v02-de-vrbank-intraday.xml',
    ]);
  });

  it('MT940', () => {
    onlyTypedErrors((b) => parseMt940(b, 'f.sta'), [
      'mt940/betterplace-sepa-two-accounts-returns.sta',
      'mt940/cmxl-three-statements-dem-eur-pln.sta',
      'mt940/jejik-rabobank-iban-structured-86.sta',
      'mt940/wolph-mbank-pl.sta',
    ]);
  });

  it('BAI2', () => {
    onlyTypedErrors((b) => parseBai2Detailed(b, 'f.bai2'), [
      'bai2/moov-sample1-cad-two-accounts.bai2',
      'bai2/moov-sample2-spec-example-lockbox-multigroup.bai2',
      'bai2/moov-sample3-records-run-together.bai2',
      'bai2/moov-sample5-slash-in-text.bai2',
    ]);
  });

  it('OFX', () => {
    onlyTypedErrors((b) => parseOfx(b, 'f.ofx'), [
      'ofx/ofxparse-bank-medium-cad.ofx',
      'ofx/ofxparse-multiple-accounts.ofx',
      'ofx/ofxparse-suncorp-cdata-aud.ofx',
      'ofx/ofxparse-v102-empty-tags.ofx',
    ]);
  });

  it('NACHA', () => {
    onlyTypedErrors((b) => parseNacha(b, 'f.ach'), [
      'nacha/moov-ccd-debit.ach',
      'nacha/moov-ctx-debit-addenda05.ach',
      'nacha/moov-return-web-r01-r03.ach',
      'nacha/moov-20110805A-batchcount-mismatch.ach',
    ]);
  });

  it('dispatcher', () => {
    onlyTypedErrors((b) => parseBankFile(b, 'f'), ['camt053/genkgo-v02-five-decimals.xml', 'mt940/jejik-ing-nonascii-bytes.sta', 'bai2/moov-sample1-cad-two-accounts.bai2']);
  });
});
