import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestBankFile } from '../../ingest/bank/load.ts';
import { toPayments } from '../../ingest/bank/to-payments.ts';
import { ingestFiles } from '../../ingest/index.ts';
import { tempWarehouse, type TestWarehouse } from '../helpers/warehouse.ts';
import { fixturePath, parseFixture } from './bank-helpers.ts';

describe('bank entries → payments (pure)', () => {
  it('PostFinance camt.053: itemised batch credits, returns batch skipped, reversals negative, debits skipped', () => {
    const conv = toPayments(parseFixture('camt053/viafintech-v04-ch-postfinance-batches-reversals.xml'), 'pf.xml');
    // 10 + 8 itemised ESR/ES parts, 2 parts of the 24.00 batch, the 56.56 single credit = 21 receipts.
    expect(conv.receipts).toBe(21);
    expect(conv.returns).toBe(2);
    expect(conv.skipped).toEqual({ debits: 6, returnedOutgoing: 1, notBooked: 0 });
    const sum = conv.rows.reduce((s, r) => s + Math.round(Number(r.amount) * 100), 0);
    // 1000 + 620 + 24 + 56.56 − 6 − 15.53
    expect(sum).toBe(167903);
    const hans = conv.rows.find((r) => r.payerName === 'Hans Kaufmann');
    expect(hans).toMatchObject({ amount: '100.00', currency: 'CHF', reference: 'CreditorReference', receivedDate: '2016-05-27', valueDate: '2016-05-30', method: 'bank_transfer', source: 'camt.053' });
    expect(conv.rows.filter((r) => r.method === 'return').map((r) => [r.amount, r.payerName, r.bankReference])).toEqual([
      ['-6.00', 'Bernasconi Maria', '20160410375244000000000000000082'],
      ['-15.53', 'Rutschmann Pia', '20160410375244000000000000000072'],
    ]);
    expect(new Set(conv.rows.map((r) => r.paymentId)).size).toBe(conv.rows.length);
  });

  it('a batch whose parts are not itemised stays one payment; ids are stable across parses', () => {
    const a = toPayments(parseFixture('camt053/viafintech-v02-nl-ing-batch-no-txdtls.xml'), 'ing.xml');
    const b = toPayments(parseFixture('camt053/viafintech-v02-nl-ing-batch-no-txdtls.xml'), 'ing.xml');
    expect(a.rows.map((r) => [r.amount, r.payerName, r.bankAccount])).toEqual([
      ['2688.00', 'TEST', 'NL86INGB00066666666'],
      ['5000.00', 'Bedrijf BV', 'NL11INGB0001234567'],
    ]);
    expect(a.rows.map((r) => r.paymentId)).toEqual(b.rows.map((r) => r.paymentId));
  });

  it('MT940 returns: returned outgoing credits skipped, returned debit negative', () => {
    const conv = toPayments(parseFixture('mt940/betterplace-sepa-two-accounts-returns.sta'), 'bp.sta');
    expect([conv.receipts, conv.returns, conv.skipped.returnedOutgoing, conv.skipped.debits]).toEqual([5, 1, 3, 2]);
    expect(conv.rows.find((r) => r.method === 'return')).toMatchObject({ amount: '-0.08', sourceLine: 29 });
  });

  it('NACHA return of a debit is a negative payment with its R-code; a returned credit is skipped', () => {
    const conv = toPayments(parseFixture('nacha/moov-return-web-r01-r03.ach'), 'r.ach');
    expect(conv.rows.map((r) => [r.amount, r.method, r.remittanceText])).toEqual([['-123.54', 'return', 'returned item (reason R01)']]);
    expect(conv.skipped.returnedOutgoing).toBe(1);
  });
});

describe('ingestBankFile', () => {
  let t: TestWarehouse;
  beforeAll(async () => {
    t = await tempWarehouse();
  });
  afterAll(() => t.cleanup());

  const payments = async () => Number((await t.wh.one<{ n: string }>('select count(*)::varchar as n from payments'))?.n);

  it('loads receipts and returns with their load run; balance mismatch 0.00 when the statement ties', async () => {
    const r = await ingestBankFile(t.wh, fixturePath('camt053/viafintech-v04-ch-postfinance-batches-reversals.xml'));
    expect(r).toMatchObject({ status: 'loaded', kind: 'bank:camt', rowsLoaded: 23, rowsRejected: 0, rowsDuplicate: 0, balanceMismatch: '0.00' });
    expect(r.rowsRead).toBe(23 + 6 + 1);
    expect(r.message).toContain('balances reconcile');
    const run = await t.wh.one('select status, balance_mismatch::varchar as bm, rows_loaded from load_runs where load_run_id = $1::bigint', [r.loadRunId]);
    expect(run).toEqual({ status: 'loaded', bm: '0.00', rows_loaded: 23 });
    const row = await t.wh.one(
      `select payer_name, amount::varchar as amount, currency, reference, received_date, value_date, source, source_file, load_run_id::varchar as run
       from payments where payer_name = 'Hans Kaufmann'`,
    );
    expect(row).toEqual({
      payer_name: 'Hans Kaufmann', amount: '100.00', currency: 'CHF', reference: 'CreditorReference', received_date: '2016-05-27',
      value_date: '2016-05-30', source: 'camt.053', source_file: 'viafintech-v04-ch-postfinance-batches-reversals.xml', run: r.loadRunId,
    });
    expect(await payments()).toBe(23);
  });

  it('re-loading is idempotent: same bytes → duplicate; the same bookings in a camt.054 → duplicates, nothing new', async () => {
    const again = await ingestBankFile(t.wh, fixturePath('camt053/viafintech-v04-ch-postfinance-batches-reversals.xml'));
    expect(again.status).toBe('duplicate');
    const ntf = await ingestBankFile(t.wh, fixturePath('camt054/viafintech-v04-ch-postfinance-reversals.xml'));
    expect(ntf).toMatchObject({ status: 'duplicate', rowsLoaded: 0, rowsDuplicate: 5 });
    expect(await payments()).toBe(23);
  });

  it('a statement that does not reconcile loads and reports the difference', async () => {
    const r = await ingestBankFile(t.wh, fixturePath('camt053/viafintech-v08-ch-ubs-invoice-ref-fx.xml'));
    expect(r).toMatchObject({ status: 'loaded', rowsLoaded: 2, balanceMismatch: '1251.02' });
    expect(r.message).toMatch(/balances do not reconcile: statement R30B4SA880HMZ9XA .* difference 1251\.02 CHF/);
    const ref = await t.wh.one(`select reference, payer_name from payments where reference like 'RF%'`);
    expect(ref).toEqual({ reference: 'RF38000000000000000000552', payer_name: 'Finanz AG' });
  });

  it('refuses a NACHA file whose control totals are wrong: failed, reason recorded, nothing loaded', async () => {
    const before = await payments();
    const r = await ingestBankFile(t.wh, fixturePath('nacha/moov-20110805A-batchcount-mismatch.ach'));
    expect(r.status).toBe('failed');
    expect(r.message).toMatch(/file control batch count.*batch count 5 but the file holds 4/);
    const rej = await t.wh.one('select line, field, reason from rejected_rows where load_run_id = $1::bigint', [r.loadRunId]);
    expect(rej).toMatchObject({ line: 93, field: 'file control batch count' });
    expect(await payments()).toBe(before);
  });

  it('BAI2 with inconsistent trailers fails by default and loads when lenient', async () => {
    const strict = await ingestBankFile(t.wh, fixturePath('bai2/moov-sample4-gs-remittance-returns-no-slash.bai2'));
    expect(strict.status).toBe('failed');
    const lenient = await ingestBankFile(t.wh, fixturePath('bai2/moov-sample4-gs-remittance-returns-no-slash.bai2'), { lenientControlTotals: true });
    expect(lenient.status).toBe('loaded');
    expect(lenient.message).toContain('warnings: line 22 49 account control total');
    const rtp = await t.wh.one(`select amount::varchar as amount, payer_name, remittance_text from payments where source = 'bai2' and amount = 500.50`);
    expect(rtp).toMatchObject({ amount: '500.50', payer_name: 'SAMPLE INC' });
    const ret = await t.wh.one(`select amount::varchar as amount, method from payments where source = 'bai2' and method = 'return'`);
    expect(ret).toEqual({ amount: '-2000.00', method: 'return' });
  });

  it('a broken file loads nothing and says where', async () => {
    const path = join(t.dir, 'broken.sta');
    writeFileSync(path, ':20:X\n:25:ACC\n:60F:C240101EUR1,00\n:61:240101C5,00NTRFNONREF\n:61:2401XXC1,00NTRF\n:62F:C240101EUR7,00\n-\n');
    const before = await payments();
    const r = await ingestBankFile(t.wh, path);
    expect(r).toMatchObject({ status: 'failed', kind: 'bank:mt940' });
    expect(r.message).toMatch(/^line 5, field :61:: mt940:/);
    expect(await payments()).toBe(before);
  });

  it('ingestFiles dispatches bank files by content next to canonical CSVs', async () => {
    const results = await ingestFiles(t.wh, [fixturePath('mt940/wolph-mbank-pl.sta'), fixturePath('ofx/ofxparse-checking-usd.ofx')]);
    expect(results.map((r) => [r.kind, r.status, r.rowsLoaded])).toEqual([
      ['bank:mt940', 'loaded', 3],
      ['bank:ofx', 'loaded', 1],
    ]);
    const mb = await t.wh.all(`select amount::varchar as a, bank_reference from payments where source = 'mt940' order by bank_reference`);
    expect(mb).toEqual([
      { a: '0.01', bank_reference: 'MB170119012058' },
      { a: '0.01', bank_reference: 'MB170119012085' },
      { a: '0.01', bank_reference: 'MB170119012121' },
    ]);
  });
});
