import { describe, expect, it } from 'vitest';
import { parseMt940 } from '../../ingest/bank/mt940.ts';
import { checkFile } from '../../ingest/bank/reconcile.ts';
import { entry, parseFixture, signed, stmt } from './bank-helpers.ts';

describe('MT940 jejik ABN AMRO (two statements, intermediate balances)', () => {
  const file = parseFixture('mt940/jejik-abnamro-two-statements-intermediate.sta');

  it('reads 2 statements and 10 debits', () => {
    expect(file.format).toBe('mt940');
    expect(file.statements).toHaveLength(2);
    expect(file.statements.every((s) => s.accountId === '517852257' && s.id === 'ABN AMRO BANK NV')).toBe(true);
    const all = file.statements.flatMap(signed);
    expect(all).toEqual(['-9.00', '-11.59', '-11.63', '-11.80', '-13.45', '-15.49', '-107.00', '-141.48', '-9.49', '-15.00']);
    expect(file.statements.flatMap((s) => s.entries.map((e) => e.typeCode))).toEqual(['N192', ...Array<string>(9).fill('N426')]);
    expect(entry(stmt(file), 0).entryReference).toBe('NONREF');
    expect(entry(stmt(file), 0).remittance.join(' ')).toContain('BETREFT FACTUUR D.D. 20-05-2011');
  });

  it('reads final and intermediate balances; neither statement reconciles', () => {
    const [a, b] = file.statements;
    expect([a?.sequence, a?.opening?.type, a?.opening?.amount, a?.opening?.date, a?.closing?.amount, a?.closing?.date]).toEqual([
      '19321/1', '60F', '3236.28', '2011-05-22', '876.84', '2011-05-23',
    ]);
    expect([b?.sequence, b?.opening?.type, b?.opening?.amount, b?.opening?.date, b?.closing?.type, b?.closing?.amount, b?.closing?.date]).toEqual([
      '19322/1', '60M', '2876.84', '2011-05-23', '62M', '1849.75', '2011-05-24',
    ]);
    expect(checkFile(file).statements.map((c) => c.reconciles)).toEqual([false, false]);
  });

  it('keeps value date and entry date apart', () => {
    const e = entry(stmt(file), 1);
    expect([e.valueDate, e.bookingDate]).toEqual(['2011-05-21', '2011-05-23']);
  });
});

describe('MT940 other banks', () => {
  it('Rabobank: /EREF/ /BENM//NAME/ /REMI/ structure, counter-account, both reconcile', () => {
    const file = parseFixture('mt940/jejik-rabobank-iban-structured-86.sta');
    expect(file.statements.map((s) => [s.accountId, s.iban, s.opening?.amount, s.closing?.amount])).toEqual([
      ['NL71RABO0123456789', 'NL71RABO0123456789', '1000.00', '965.00'],
      ['NL71RABO0123456789', 'NL71RABO0123456789', '965.00', '930.00'],
    ]);
    expect(file.statements.flatMap(signed)).toEqual(['-25.00', '-10.00', '-25.00', '-10.00']);
    const [first, second] = stmt(file).entries;
    expect([first?.typeCode, first?.payerName, first?.payerAccount, first?.endToEndId]).toEqual([
      'N102', 'CONTRA ACCOUNT HOLDER', 'NL70ABNA0987654321', '01-01-2013 12:00 0030000987654321',
    ]);
    expect([second?.typeCode, second?.payerName, second?.payerAccount, second?.remittance]).toEqual([
      'N154', 'JOHN DOE', 'P001234567', ['Reference 201301234'],
    ]);
    expect(checkFile(file).statements.map((c) => c.reconciles)).toEqual([true, true]);
  });

  it('ING: pre-header lines, tabs and UTF-8 soft hyphens, statement-level :86: ignored', () => {
    const file = parseFixture('mt940/jejik-ing-nonascii-bytes.sta');
    const s = stmt(file);
    expect([s.accountId, s.id, s.sequence]).toEqual(['0001234567', 'MPBZ', '000']);
    expect([s.opening?.amount, s.opening?.date, s.closing?.amount, s.closing?.date]).toEqual(['0.00', '2010-07-22', '3.47', '2010-07-23']);
    expect(signed(s)).toEqual(['-25.03', '-3.03', '-1.11', '-20.00', '-1.10', '3.68', '1.00']);
    expect(s.entries.every((e) => e.typeCode === 'NTRF')).toBe(true);
    expect(entry(s, 2).entryReference).toBe('TMG TANGO');
    expect(entry(s, 2).remittance[0]).toContain('10\u00ad06\u00ad2010');
    expect(checkFile(file).statements[0]).toMatchObject({ net: '-45.59', reconciles: false });
  });

  it('betterplace: ?nn sub-fields, SEPA EREF+/SVWZ+, returns (GVC 159), CR/DR funds marks', () => {
    const file = parseFixture('mt940/betterplace-sepa-two-accounts-returns.sta');
    expect(file.statements.map((s) => s.accountId)).toEqual(['50880050/0194787400888', '50880050/0194791600888']);
    const all = file.statements.flatMap((s) => s.entries);
    expect(all).toHaveLength(11);
    const first = all[0];
    expect([first?.amount, first?.direction, first?.endToEndId, first?.payerName]).toEqual([
      '50990.05', 'credit', 'EndToEndId TFNR 22 004 00001', 'KARL        KAUFMANN',
    ]);
    expect(all.filter((e) => e.amount === '154551.93').map((e) => e.remittance[0])).toEqual([
      expect.stringContaining('Strukturierter Verwendungszweck'),
      expect.stringContaining('Strukturierter Verwendungszweck'),
    ]);
    expect(all.filter((e) => e.returned).map((e) => [e.direction, e.amount, e.returnReason])).toEqual([
      ['debit', '0.08', '914'],
      ['credit', '335.33', '914'],
      ['credit', '15000.00', '914'],
      ['credit', '915311.55', '901'],
    ]);
    expect(all.find((e) => e.amount === '3572569.03')?.direction).toBe('debit');
    const second = stmt(file, 1);
    expect([second.opening?.amount, second.opening?.date, second.closing?.amount, second.closingAvailable?.amount]).toEqual([
      '-1970431.87', '2007-09-03', '-4472049.09', '-4472049.09',
    ]);
    expect(checkFile(file).statements.map((c) => [c.reconciles, c.difference])).toEqual([[true, '0.00'], [false, '300.08']]);
  });

  it('cmxl: three statements in DEM, EUR, PLN; all reconcile; closing-before-opening date is a warning', () => {
    const file = parseFixture('mt940/cmxl-three-statements-dem-eur-pln.sta');
    expect(file.statements.map((s) => [s.accountId, s.currency, s.opening?.amount, s.closing?.amount, s.entries.length])).toEqual([
      ['45050050/76198810', 'DEM', '84349.74', '84437.04', 11],
      ['10020030/1234567', 'EUR', '2187.95', '4387.95', 2],
      ['BPHKPLPK/320000546101', 'PLN', '40000.00', '50040.00', 3],
    ]);
    expect(file.statements.reduce((n, s) => n + s.entries.length, 0)).toBe(16);
    expect(signed(stmt(file, 1))).toEqual(['-800.00', '3000.00']);
    expect(entry(stmt(file, 1), 0).remittance).toEqual(['Miete November']);
    const pln = stmt(file, 2);
    expect(signed(pln)).toEqual(['20000.00', '-10000.00', '40.00']);
    expect(pln.entries.map((e) => e.bankReference)).toEqual(['8327000090031789', '8327000090031790', '8327000090031791']);
    expect(entry(pln, 2).remittance).toEqual(['Odsetki od lokaty nr 101000022086']);
    expect(entry(pln, 0).remittance[0]).toContain('FAKTURA 333/');
    expect(checkFile(file).statements.every((c) => c.reconciles)).toBe(true);
    expect(file.warnings).toEqual([expect.stringContaining('closing balance date 2002-03-25 is before the opening date 2003-10-02')]);
  });

  it('mBank: SOH/ETX envelope, three 0.01 PLN credits, reconciles', () => {
    const file = parseFixture('mt940/wolph-mbank-pl.sta');
    const s = stmt(file);
    expect([s.accountId, s.id, s.opening?.amount, s.closing?.amount, s.closingAvailable?.amount, s.closing?.date]).toEqual([
      'PL29114010810000267002001002', 'ST170119CYC/1', '0.40', '0.43', '0.43', '2017-01-19',
    ]);
    expect(s.entries.map((e) => [e.direction, e.amount, e.bankReference])).toEqual([
      ['credit', '0.01', 'MB170119012058'],
      ['credit', '0.01', 'MB170119012085'],
      ['credit', '0.01', 'MB170119012121'],
    ]);
    expect(entry(s, 0).remittance[0]).toMatch(/^911 TRANSAKCJA COLLECT; ID IPH: XX000000000001/);
    expect(checkFile(file).statements[0]?.reconciles).toBe(true);
  });
});

describe('MT940 details', () => {
  const wrap = (body: string) => new TextEncoder().encode(`:20:REF\n:25:ACC\n:28C:1\n:60F:C240101EUR100,00\n${body}\n:62F:C240102EUR150,00\n-`);

  it('RC is a reversal of a credit (a debit); RD a reversal of a debit (a credit)', () => {
    const f = parseMt940(wrap(':61:240101RC10,00NTRFNONREF\n:61:240101RD60,00NTRFNONREF'), 't.sta');
    expect(stmt(f).entries.map((e) => [e.direction, e.reversal])).toEqual([['debit', true], ['credit', true]]);
  });

  it('entry date in January after a December value date falls in the next year', () => {
    const f = parseMt940(wrap(':61:2412310102C50,00NTRFNONREF'), 't.sta');
    expect([entry(stmt(f), 0).valueDate, entry(stmt(f), 0).bookingDate]).toEqual(['2024-12-31', '2025-01-02']);
  });

  it('finds a valid ISO 11649 RF reference in free text, not an invalid one', () => {
    const f = parseMt940(wrap(':61:240101C50,00NTRFNONREF\n:86:PAYMENT RF18 5390 0754 7034 THANKS\n:61:240101C0,00NTRFNONREF\n:86:RF99 1234'), 't.sta');
    expect(stmt(f).entries.map((e) => e.creditorReference)).toEqual(['RF18539007547034', null]);
  });

  it('reads an MT942 interim report (no balances) as mt942', () => {
    const bytes = new TextEncoder().encode(':20:X\n:25:NL91ABNA0417164300\n:28C:1/1\n:34F:EUR0,\n:13D:2401011200+0100\n:61:240101C5,00NTRFNONREF//B1\n:86:/NAME/ACME/REMI/INV 1/\n:90C:1EUR5,00\n-');
    const f = parseMt940(bytes, 'x.942');
    expect(f.format).toBe('mt942');
    expect([stmt(f).currency, entry(stmt(f), 0).payerName, entry(stmt(f), 0).remittance]).toEqual(['EUR', 'ACME', ['INV 1']]);
  });
});
