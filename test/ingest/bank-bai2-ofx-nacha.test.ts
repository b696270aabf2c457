import { describe, expect, it } from 'vitest';
import { parseBai2Detailed } from '../../ingest/bank/bai2.ts';
import { BankParseError } from '../../ingest/bank/errors.ts';
import { parseNacha } from '../../ingest/bank/nacha.ts';
import { parseOfx } from '../../ingest/bank/ofx.ts';
import { checkFile } from '../../ingest/bank/reconcile.ts';
import { entry, fixtureBytes, parseFixture, signed, stmt } from './bank-helpers.ts';

describe('BAI2', () => {
  it('sample1: header, two CAD accounts, summaries, details, control totals tie', () => {
    const r = parseBai2Detailed(fixtureBytes('bai2/moov-sample1-cad-two-accounts.bai2'), 's1');
    expect(r.header).toEqual({ sender: '0004', receiver: '12345', created: '2006-03-21', fileId: '001', version: '2' });
    expect(r.controlErrors).toEqual([]);
    const [a, b] = r.file.statements;
    expect([a?.accountId, a?.currency, a?.entries.length, b?.entries.length]).toEqual(['10200123456', 'CAD', 11, 6]);
    expect(a?.balances.map((x) => [x.type, x.amount])).toEqual([['040', '0.00'], ['045', '0.00']]);
    const details = a?.entries.map((e) => [e.typeCode, e.amount, e.remittance[0]]) ?? [];
    expect(details).toContainEqual(['409', '25.00', 'RETURNED CHEQUE']);
    expect(details).toContainEqual(['409', '900.00', 'RTN-UNKNOWN']);
    expect(details).toContainEqual(['108', '2035.00', 'TFR 1020 0345678']);
    expect(a?.entries[0]?.valueDate).toBe('2006-03-16');
    // 100 = 2085.00 over 3 credits, 400 = 2085.00 over 8 debits
    const credits = a?.entries.filter((e) => e.direction === 'credit') ?? [];
    expect(credits).toHaveLength(3);
    expect(a?.entries.filter((e) => e.direction === 'debit')).toHaveLength(8);
  });

  it('sample2 (spec example): 4 groups, 5 accounts, continuation records with summaries, distributed availability', () => {
    const r = parseBai2Detailed(fixtureBytes('bai2/moov-sample2-spec-example-lockbox-multigroup.bai2'), 's2');
    expect(r.controlErrors).toEqual([]);
    expect(r.file.statements.map((s) => s.accountId)).toEqual(['0123456789', '9876543210', '4589761203', '0975312468', '7890654321']);
    expect(r.file.statements.every((s) => s.currency === 'USD')).toBe(true);
    const lockbox = stmt(r.file, 1);
    expect(entry(lockbox, 0).remittance).toEqual(['LOCK BOX NO.68751']);
    expect(entry(lockbox, 0).typeCode).toBe('115');
    expect(lockbox.balances.find((b) => b.type === '040')?.amount).toBe('-15000.00');
    expect(entry(stmt(r.file, 2), 0).remittance).toEqual(['PROCEEDS OF LETTER OF CREDIT FROM THE ARAMCO OIL CO']);
  });

  it('sample3: records run together after "/", 15 accounts, negative balances, all reconcile', () => {
    const file = parseFixture('bai2/moov-sample3-records-run-together.bai2');
    expect(file.statements).toHaveLength(15);
    expect(stmt(file).opening?.amount).toBe('-35.00');
    expect(signed(stmt(file)).slice(0, 3)).toEqual(['25.00', '5.00', '1.00']);
    expect(entry(stmt(file), 1).remittance).toEqual(['TRANSFER   MSPBNA BANK        PPD']);
    expect(checkFile(file).statements.every((c) => c.reconciles === true)).toBe(true);
  });

  it('sample4: trailers that do not follow BAI2 arithmetic are refused by default and accepted when lenient', () => {
    expect(() => parseFixture('bai2/moov-sample4-gs-remittance-returns-no-slash.bai2')).toThrow(/control totals do not tie/);
    const file = parseFixture('bai2/moov-sample4-gs-remittance-returns-no-slash.bai2', { lenientControlTotals: true });
    expect(file.statements).toHaveLength(5);
    const all = file.statements.flatMap((s) => s.entries);
    expect(all).toHaveLength(17);
    const byAmount = (code: string, amount: string) => all.find((e) => e.typeCode === code && e.amount === amount);
    expect(byAmount('447', '600.00')?.endToEndId).toBe('1111');
    expect(byAmount('261', '1435.00')?.remittance[0]).toBe('ACH- Test - Addenda Record');
    expect(byAmount('557', '2000.00')).toMatchObject({ direction: 'debit', returned: true, returnReason: 'R02' });
    expect(byAmount('451', '555.55')?.remittance.join(' ')).toContain('Entry Description: INVOICES; 210630');
    expect(byAmount('495', '505.00')?.remittance.join(' ')).toContain('Settled Amt: EUR 322.00, FX Rate: 156.833677');
    expect(byAmount('195', '500.50')).toMatchObject({ direction: 'credit', payerName: 'SAMPLE INC', remittance: ['Test Remittance', expect.any(String)] });
    expect(byAmount('495', '300000.00')?.remittance[0]).toBe('081823 Invoice - Sample');
    expect(all.filter((e) => e.typeCode === '475').map((e) => e.amount)).toEqual(['101.00', '442.50']);
    expect(file.warnings.join('\n')).toContain('account 107049932: trailer says -12601613417.62');
  });

  it('sample5: "/" inside text does not end the record', () => {
    const file = parseFixture('bai2/moov-sample5-slash-in-text.bai2', { lenientControlTotals: true });
    const all = file.statements.flatMap((s) => s.entries);
    expect(all.find((e) => e.amount === '300000.00')?.remittance[0]).toBe('08/18/23 Invoice - Sample');
    expect(all.some((e) => e.entryReference === 'AB/GS/RPFILERP0001/RPBA0001')).toBe(true);
    expect(all.find((e) => e.amount === '37979996.24')).toMatchObject({ typeCode: '195', direction: 'credit' });
  });
});

describe('OFX', () => {
  it('1.x SGML with unclosed tags (bank_medium)', () => {
    const f = parseOfx(fixtureBytes('ofx/ofxparse-bank-medium-cad.ofx'), 'm.ofx');
    expect(f.accounts).toEqual([{ accountId: '12300 000012345678', routing: '160000100', branch: '00', accountType: 'CHECKING' }]);
    const s = stmt(f);
    expect([s.currency, s.closing?.amount, s.closing?.date, s.closingAvailable?.amount, s.fromDate, s.toDate]).toEqual([
      'CAD', '382.34', '2009-05-23', '682.34', '2009-04-01', '2009-05-23',
    ]);
    expect(s.entries.map((e) => [e.typeCode, e.payerName, e.direction, e.amount])).toEqual([
      ['POS', "MCDONALD'S #112", 'debit', '6.60'],
      ['CHECK', "Joe's Bald Hairstyles", 'debit', '316.67'],
      ['POS', "CONNIE'S HAIR D", 'debit', '22.00'],
    ]);
  });

  it('checking.ofx: USD, +0.01 dividend and two debits', () => {
    const s = stmt(parseFixture('ofx/ofxparse-checking-usd.ofx'));
    expect([s.accountId, s.currency, s.closing?.amount, s.closingAvailable?.amount]).toEqual(['1452687~7', 'USD', '100.99', '75.99']);
    expect(signed(s)).toEqual(['0.01', '-34.51', '-25.00']);
  });

  it('OFX 2.x XML with two accounts', () => {
    const f = parseOfx(fixtureBytes('ofx/ofxparse-multiple-accounts.ofx'), 'm.ofx');
    expect(f.version).toBe('OFX 211');
    expect(f.accounts.map((a) => [a.accountId, a.accountType, a.routing])).toEqual([['9100', 'CHECKING', '123'], ['9200', 'SAVINGS', '123']]);
    expect(f.statements.map((s) => s.closing?.amount)).toEqual(['111.00', '222.00']);
  });

  it('CDATA payee (Suncorp, CRLF)', () => {
    const s = stmt(parseFixture('ofx/ofxparse-suncorp-cdata-aud.ofx'));
    expect([s.currency, s.closing?.amount]).toEqual(['AUD', '1234.12']);
    expect(s.entries.map((e) => [e.payerName, e.direction, e.amount])).toEqual([['EFTPOS WDL HANDYWAY ALDI STORE', 'debit', '16.85']]);
  });

  it('empty tags: warns about the empty currency and falls back to the transaction currency', () => {
    const f = parseOfx(fixtureBytes('ofx/ofxparse-v102-empty-tags.ofx'), 'e.ofx');
    expect(f.accounts).toEqual([{ accountId: '12345678', routing: 'NPBS', branch: null, accountType: null }]);
    expect(f.warnings[0]).toMatch(/currency definition was empty for <STMTRS><CURDEF><\/CURDEF>/);
    expect(stmt(f).closing).toBeNull();
    expect(entry(stmt(f), 0)).toMatchObject({ direction: 'credit', amount: '12.34', currency: 'AUD', bankReference: null });
  });
});

describe('NACHA', () => {
  it('CCD debit: totals, entry identification, receiving company, traces', () => {
    const f = parseNacha(fixtureBytes('nacha/moov-ccd-debit.ach'), 'ccd.ach');
    expect(f.batches).toEqual([
      { companyName: 'Name on Account', companyId: '231380104', secCode: 'CCD', description: 'Vndr Pay', totalDebit: '5001.25', totalCredit: '0.00' },
    ]);
    expect(stmt(f).entries.map((e) => [e.endToEndId, e.payerName, e.bankReference, e.amount, e.direction])).toEqual([
      ['location1234567', 'Best Co. #123456789012', '031300010000001', '5000.00', 'debit'],
      ['Fee123456789012', 'Best Co. #123456789012', '031300010000002', '1.25', 'debit'],
    ]);
  });

  it('CTX debit with two 05 addenda as remittance', () => {
    const f = parseNacha(fixtureBytes('nacha/moov-ctx-debit-addenda05.ach'), 'ctx.ach');
    expect([f.batches[0]?.secCode, f.batches[0]?.totalDebit, f.batches[0]?.totalCredit]).toEqual(['CTX', '1000000.00', '0.00']);
    expect(entry(stmt(f), 0).remittance).toEqual(['Debit First Account', 'Debit Second Account']);
  });

  it('WEB returns: R01 and R03 reason codes', () => {
    const f = parseNacha(fixtureBytes('nacha/moov-return-web-r01-r03.ach'), 'ret.ach');
    expect(f.statements.flatMap((s) => s.entries.map((e) => [e.amount, e.returned, e.returnReason]))).toEqual([
      ['123.54', true, 'R01'],
      ['45.65', true, 'R03'],
    ]);
  });

  it('refuses the file whose file control batch count is wrong, naming line and field', () => {
    let caught: unknown;
    try {
      parseNacha(fixtureBytes('nacha/moov-20110805A-batchcount-mismatch.ach'), '20110805A.ach');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(BankParseError);
    const e = caught as BankParseError;
    expect(e.location).toMatchObject({ file: '20110805A.ach', field: 'file control batch count' });
    expect(e.message).toMatch(/batch count 5 but the file holds 4/);
  });
});
