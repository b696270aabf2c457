import { describe, expect, it } from 'vitest';
import { checkFile } from '../../ingest/bank/reconcile.ts';
import { entry, parseFixture, signed, stmt } from './bank-helpers.ts';

// Expected values: test/fixtures/bank/SOURCES.md ("stated" = asserted upstream, "computed" = read off the file).

describe('camt.053 viafintech v02 (VR-Bank, umlauts, batch of 2)', () => {
  const file = parseFixture('camt053/viafintech-v02-de-vrbank-batch2-umlaut.xml');
  const s = stmt(file);

  it('reads the statement header', () => {
    expect(file.format).toBe('camt.053');
    expect(file.version).toBe('camt.053.001.02');
    expect(file.statements).toHaveLength(1);
    expect(s.id).toBe('0352C5320131227220503');
    expect(s.sequence).toBe('130000005');
    expect(s.iban).toBe('DE14740618130000033626');
    expect(s.currency).toBe('EUR');
    expect(s.opening).toEqual({ type: 'PRCD', amount: '33.06', currency: 'EUR', date: '2013-12-27' });
    expect(s.closing?.amount).toBe('23.06');
  });

  it('reads the first entry and its transaction', () => {
    const e = entry(s, 0);
    expect(e.direction).toBe('debit');
    expect(e.amount).toBe('2.00');
    expect(e.bookingDate).toBe('2013-12-27');
    expect(e.valueDate).toBe('2013-12-27');
    expect(e.bankReference).toBe('2013122710583450000');
    expect(e.entryReference).toBe('1234567890sdfghjk');
    const t = e.transactions[0];
    expect(t?.accountServicerReference).toBe('BankReference');
    expect(t?.endToEndId).toBe('EndToEndReference');
    expect(t?.mandateId).toBe('MandateReference');
    expect(t?.transactionId).toBe('UniqueTransactionId');
    expect(t?.paymentInformationId).toBe('PaymentIdentification');
    expect(t?.additionalInfo).toBe('AdditionalTransactionInformation');
    expect(t?.remittance).toEqual(['TEST BERWEISUNG MITTELS BLZUND KONTONUMMER - DTA']);
    // A debit's counterparty is the creditor; the debtor is kept too.
    expect(t?.payerAccount).toBe('DE09300606010012345671');
    expect(t?.payerBic).toBe('DAAEDEDDXXX');
    expect(t?.debtorName).toBe('Wayne Enterprises');
    expect(t?.debtorAccount).toBe('DE24302201900609832118');
  });

  it('has 4 entries that reconcile, the batch itemised with two end-to-end ids', () => {
    expect(signed(s)).toEqual(['-2.00', '-3.00', '1.00', '-6.00']);
    expect(entry(s, 3).transactions.map((t) => t.endToEndId)).toEqual(['STZV-EtE27122013-11:02-1', 'STZV-EtE27122013-11:02-2']);
    expect(checkFile(file).statements[0]).toMatchObject({ net: '-10.00', difference: '0.00', reconciles: true });
  });
});

describe('camt.053 viafintech v04 (PostFinance: batches, ISR references, reversals)', () => {
  const file = parseFixture('camt053/viafintech-v04-ch-postfinance-batches-reversals.xml');
  const s = stmt(file);

  it('reads 13 entries, CHF balances that reconcile', () => {
    expect(file.version).toBe('camt.053.001.04');
    expect(s.id).toBe('20160430375204000008574');
    expect(s.accountId).toBe('CH0309000000250090342');
    expect(s.currency).toBe('CHF');
    expect(s.opening?.amount).toBe('322152.16');
    expect(s.closing?.amount).toBe('322689.77');
    expect(s.entries).toHaveLength(13);
    expect(checkFile(file).statements[0]).toMatchObject({ net: '537.61', reconciles: true });
  });

  it('reads the fee debits and batch credits', () => {
    const fees = s.entries.filter((e) => e.direction === 'debit' && !e.reversal).map((e) => e.amount);
    expect(fees).toEqual(['24.00', '328.75', '200.80', '638.15', '24.00', '35.72']);
    const batches = s.entries.filter((e) => e.direction === 'credit').map((e) => [e.amount, e.transactions.length]);
    expect(batches).toEqual([['1000.00', 10], ['620.00', 8], ['110.00', 3], ['24.00', 2], ['56.56', 1]]);
  });

  it('the 7th entry: first transaction 100.00 from Hans Kaufmann with a creditor reference', () => {
    const t = entry(s, 6).transactions[0];
    expect(t?.amount).toBe('100.00');
    expect(t?.payerName).toBe('Hans Kaufmann');
    expect(t?.creditorReferences).toEqual(['CreditorReference']);
    expect(entry(s, 6).transactions.some((x) => x.creditorReferences.includes('000000000002016030002820804'))).toBe(true);
  });

  it('recognises the returns batch (NARR) and the two MD06 reversals', () => {
    const returns = entry(s, 8);
    expect(returns.amount).toBe('110.00');
    expect(returns.returned).toBe(true);
    expect(returns.returnReason).toBe('NARR');
    const reversals = s.entries.filter((e) => e.reversal);
    expect(reversals.map((e) => [e.direction, e.amount, e.returnReason])).toEqual([
      ['debit', '6.00', 'MD06'],
      ['debit', '15.53', 'MD06'],
    ]);
    expect(entry(s, 12).transactions[0]?.returnReason).toBe('MD06');
  });
});

describe('camt.053 viafintech v08 (UBS: RF reference, FX entry)', () => {
  const file = parseFixture('camt053/viafintech-v08-ch-ubs-invoice-ref-fx.xml');
  const s = stmt(file);

  it('reads the header and balances and flags the mismatch', () => {
    expect(file.version).toBe('camt.053.001.08');
    expect(s.id).toBe('R30B4SA880HMZ9XA');
    expect(s.sequence).toBe('122');
    expect(s.fromDate).toBe('2023-06-20');
    expect(s.iban).toBe('CH1111111111111111111');
    expect(s.bic).toBe('UBSWCHZH80A');
    expect(s.opening?.amount).toBe('82721.95');
    expect(s.closing?.amount).toBe('84515.25');
    expect(s.closingAvailable?.amount).toBe('83415.25');
    const check = checkFile(file);
    expect(check.statements[0]?.reconciles).toBe(false);
    expect(check.totalMismatch).toBe('1251.02');
  });

  it('reads the RF creditor reference and the v08 <Pty> party names', () => {
    expect(signed(s)).toEqual(['474.40', '88.85', '-20.97']);
    const rf = entry(s, 1);
    expect(rf.creditorReference).toBe('RF38000000000000000000552');
    expect(rf.payerName).toBe('Finanz AG');
    expect(rf.transactions[0]?.accountServicerReference).toBe('0123171DO5126811');
    expect(rf.transactions[0]?.endToEndId).toBe('435A9287E088BDB1D97FAABD181C70C8');
    const inv = entry(s, 0);
    expect(inv.remittance).toEqual(['INVOICE R77561']);
    expect(inv.payerName).toBe('Jon Doe');
    expect(entry(s, 2).currency).toBe('EUR');
  });
});

describe('other camt.053 fixtures', () => {
  it('ING batch without TxDtls: 3 entries, does not reconcile', () => {
    const file = parseFixture('camt053/viafintech-v02-nl-ing-batch-no-txdtls.xml');
    const s = stmt(file);
    expect(s.accountId).toBe('NL18INGB00012345678');
    expect(signed(s)).toEqual(['-4753.74', '2688.00', '5000.00']);
    expect(entry(s, 0).transactions).toHaveLength(0);
    expect(entry(s, 1).remittance).toEqual(['TERUGGAAF']);
    expect(s.balances.map((b) => b.type)).toEqual(['PRCD', 'OPBD', 'CLBD', 'CLAV', 'FWAV', 'FWAV']);
    expect(s.opening?.amount).toBe('7329.80');
    expect(s.closing?.amount).toBe('23038.20');
    expect(checkFile(file).statements[0]?.reconciles).toBe(false);
  });

  it('genkgo two statements: both reconcile, the second opens at the first close', () => {
    const file = parseFixture('camt053/genkgo-v02-two-statements.xml');
    expect(file.messageId).toBe('CAMT053RIB000000000001');
    expect(file.statements.map((s) => [s.id, s.accountId, s.opening?.amount, s.closing?.amount, signed(s)])).toEqual([
      ['253EURNL26VAYB8060476890', 'NL26VAYB8060476890', '18.15', '27.00', ['8.85']],
      ['254EURNL26VAYB8060476890', 'NL26VAYB8060476890', '27.00', '20.00', ['-7.00']],
    ]);
    expect(entry(stmt(file, 0), 0).remittance).toEqual(['Transaction Description 1']);
    expect(entry(stmt(file, 0), 0).endToEndId).toBe('000000001');
    expect(entry(stmt(file, 1), 0).endToEndId).toBe('000000002');
    expect(checkFile(file).statements.map((c) => c.reconciles)).toEqual([true, true]);
  });

  it('genkgo five decimals: exact amounts, flagged 0.05 mismatch', () => {
    const file = parseFixture('camt053/genkgo-v02-five-decimals.xml');
    const s = stmt(file);
    expect([s.opening?.amount, s.closing?.amount, signed(s)]).toEqual(['18.15', '27.05', ['8.85']]);
    expect(checkFile(file)).toMatchObject({ totalMismatch: '0.05' });
  });
});

describe('camt.054 and camt.052', () => {
  it('PostFinance notification: no balances, two reversals, net +59.03', () => {
    const file = parseFixture('camt054/viafintech-v04-ch-postfinance-reversals.xml');
    const s = stmt(file);
    expect(file.format).toBe('camt.054');
    expect(s.id).toBe('20160410375204000131032');
    expect(s.opening).toBeNull();
    expect(signed(s)).toEqual(['24.00', '56.56', '-6.00', '-15.53']);
    expect(s.entries.map((e) => e.reversal)).toEqual([false, false, true, true]);
    expect(entry(s, 0).transactions.map((t) => t.remittance)).toEqual([['Mitteilung 132'], ['Mitteilung 131']]);
    expect(entry(s, 1).endToEndId).toBe('PMT-651727380907030005');
    expect(checkFile(file).statements[0]).toMatchObject({ net: '59.03', reconciles: null });
  });

  it('genkgo v02: one −200,000 SEK entry with three TxDtls and mixed remittance', () => {
    const file = parseFixture('camt054/genkgo-v02-three-txdtls-mixed-remittance.xml');
    expect(file.messageId).toBe('AAAASESS-FP-ACCR001');
    const s = stmt(file);
    expect(s.accountId).toBe('CH2801234000123456789');
    expect(s.sequence).toBe('12312');
    const e = entry(s, 0);
    expect([e.direction, e.amount, e.currency, e.bookingDate, e.valueDate, e.typeCode]).toEqual([
      'debit', '200000.00', 'SEK', '2007-10-18', '2007-10-18', 'PMNT/ICDT/DMCT',
    ]);
    expect(e.transactions.map((t) => [t.remittance, t.creditorReferences, t.additionalRemittance])).toEqual([
      [['Unstructured Remittance Information V1'], ['ISR ref number V1'], ['Additional Remittance Information V1']],
      [[], ['ISR ref number V2'], ['Additional Remittance Information V2']],
      [
        ['Unstructured Remittance Information V3 block 1', 'Unstructured Remittance Information V3 block 2'],
        ['Ref number V3 block 1', 'Ref number V3 block 2'],
        ['Additional Remittance Information V3 block 1', 'Additional Remittance Information V3 block 2'],
      ],
    ]);
  });

  it('genkgo v08 with UETR', () => {
    const file = parseFixture('camt054/genkgo-v08-uetr.xml');
    const e = entry(stmt(file), 0);
    expect([file.version, e.direction, e.amount]).toEqual(['camt.054.001.08', 'debit', '200000.00']);
    expect(e.transactions[0]?.uetr).toMatch(/^[0-9a-f-]{36}$/);
    expect(e.transactions[0]?.remittance).toEqual([]);
  });

  it('camt.052 intraday report reconciles, keeps non-ASCII text', () => {
    const file = parseFixture('camt052/viafintech-v02-de-vrbank-intraday.xml');
    const s = stmt(file);
    expect(file.format).toBe('camt.052');
    expect([s.id, s.accountId, s.opening?.amount, s.closing?.amount]).toEqual(['0352C5220131227110203', 'DE58740618130100033626', '8.50', '13.50']);
    expect(signed(s)).toEqual(['2.00', '3.00']);
    expect(entry(s, 1).remittance[0]).toMatch(/^Testüberweisung mit BIC und IBAN/);
    expect(checkFile(file).statements[0]?.reconciles).toBe(true);
  });
});
