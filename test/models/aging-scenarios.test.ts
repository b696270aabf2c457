/**
 * The aging scenarios of metrics.md ("Scenarios other open projects test") and the given/expect
 * ledgers of issue 5, run through the same SQL models the API serves.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addDays } from '../../core/as-of.ts';
import { agingReport, arSummary } from '../../models/metrics.ts';
import { tempWarehouse, type TestWarehouse } from '../helpers/warehouse.ts';
import { Ledger, resetLedger } from './ledger.ts';

let t: TestWarehouse;
let l: Ledger;
beforeAll(async () => {
  t = await tempWarehouse();
});
beforeEach(async () => {
  await resetLedger(t.wh);
  l = new Ledger(t.wh);
  await l.customer('C1');
});
afterAll(() => t.cleanup());

const D = '2017-02-01';
const amounts = async (asOf = D, opts: Partial<Parameters<typeof agingReport>[1]> = {}) => {
  const rows = await agingReport(t.wh, { asOf, baseCurrency: 'USD', ...opts });
  return rows[0]?.buckets.map((b) => b.amount) ?? [];
};
const lines = async (asOf = D) => {
  const { bindParams, compile } = await import('../../models/dag.ts');
  const sql = `select item_kind, item_id, line_no, open_amount::varchar as open_amount, bucket from (${compile('mart_open_items')})
     order by item_kind, item_id, line_no`;
  return t.wh.all<{ item_kind: string; item_id: string; line_no: number; open_amount: string; bucket: number }>(
    sql,
    bindParams(sql, { as_of: asOf, base_currency: 'USD', bucket_edges: '0,30,60,90,120', basis: 'due' }),
  );
};

describe('bucket edges (due-date basis, default buckets)', () => {
  it('puts 0 in current, 30 in 1-30, 31 and 60 in 31-60, 61 and 90 in 61-90, 91 and 120 in 91-120, 121 in 120+', async () => {
    const cases: [number, number][] = [
      [0, 0], [30, 1], [31, 2], [60, 2], [61, 3], [90, 3], [91, 4], [120, 4], [121, 5], [-5, 0], [1, 1],
    ];
    for (const [dpd, _] of cases) await l.invoice({ id: `I${dpd}`, date: addDays(D, -dpd - 30), due: addDays(D, -dpd), amount: 1 });
    const got = await lines();
    for (const [dpd, bucket] of cases) expect(got.find((r) => r.item_id === `I${dpd}`)?.bucket, `dpd ${dpd}`).toBe(bucket);
    expect(await amounts()).toEqual(['2.00', '2.00', '2.00', '2.00', '2.00', '1.00']);
  });

  it('ages an item without a separate due date (due = document date) from its document date', async () => {
    await l.invoice({ id: 'X', date: '2016-11-03', amount: 10 });
    expect((await lines()).map((r) => r.bucket)).toEqual([3]);
  });

  it('uses the invoice date on the invoice basis, never mixing the two', async () => {
    await l.invoice({ id: 'X', date: '2016-12-15', due: '2017-01-31', amount: 10 });
    expect(await amounts(D, { basis: 'due' })).toEqual(['0.00', '10.00', '0.00', '0.00', '0.00', '0.00']);
    expect(await amounts(D, { basis: 'invoice' })).toEqual(['0.00', '0.00', '10.00', '0.00', '0.00', '0.00']);
  });

  it('honours configured buckets', async () => {
    await l.invoice({ date: '2017-01-01', due: '2017-01-17', amount: 10 });
    const rows = await agingReport(t.wh, { asOf: D, baseCurrency: 'USD', edges: [0, 15, 45] });
    expect(rows[0]?.buckets.map((b) => [b.label, b.amount])).toEqual([
      ['current', '0.00'],
      ['1-15', '10.00'],
      ['16-45', '0.00'],
      ['45+', '0.00'],
    ]);
  });
});

describe('residuals age with their invoice', () => {
  async function residuals() {
    await l.invoice({ id: 'A', date: '2016-11-03', amount: 1000 });
    await l.credit({ invoice: 'A', date: '2016-11-20', amount: 200 });
    await l.credit({ invoice: 'A', date: '2016-12-20', amount: 300 });
    await l.invoice({ id: 'B', date: '2016-10-05', amount: 1000 });
    await l.pay('B', 800, '2016-11-01');
  }

  it('keeps 500 of A in 61-90 and 200 of B in 91-120; consumed credits are not aged on their own', async () => {
    await residuals();
    const got = await lines();
    expect(got.map((r) => [r.item_id, r.open_amount, r.bucket])).toEqual([
      ['A', '500.00', 3],
      ['B', '200.00', 4],
    ]);
  });

  it('with six further invoices of 100 gives 100 | 100 | 100 | 600 | 300 | 100, total 1,300', async () => {
    await residuals();
    for (const due of ['2017-02-01', '2017-01-02', '2016-12-03', '2016-11-03', '2016-10-04', '2016-01-01']) {
      await l.invoice({ date: due, due, amount: 100 });
    }
    expect(await amounts()).toEqual(['100.00', '100.00', '100.00', '600.00', '300.00', '100.00']);
    const s = await arSummary(t.wh, { asOf: D, baseCurrency: 'USD' });
    expect(s.totalAr).toBe('1300.00');
  });
});

describe('credit notes, partial and future payments', () => {
  it('shows an invoice and an unmatched credit note as +100 / −100; 42 paid on each → +58 / −58; later payments change nothing', async () => {
    await l.invoice({ id: 'I', date: '2017-01-10', amount: 100 });
    await l.credit({ id: 'CN', date: '2017-01-10', amount: 100 });
    const rowsAt = async () => (await lines()).map((r) => [r.item_kind, r.open_amount]);
    expect(await rowsAt()).toEqual([['credit_note', '-100.00'], ['invoice', '100.00']]);
    await l.pay('I', 42, '2017-01-15');
    const refund = await l.payment({ date: '2017-01-15', amount: -42 });
    await l.apply({ payment: refund, creditNote: 'CN', amount: 42, date: '2017-01-15' });
    expect(await rowsAt()).toEqual([['credit_note', '-58.00'], ['invoice', '58.00']]);
    await l.pay('I', 58, '2017-02-02');
    const refund2 = await l.payment({ date: '2017-02-03', amount: -58 });
    await l.apply({ payment: refund2, creditNote: 'CN', amount: 58, date: '2017-02-03' });
    expect(await rowsAt()).toEqual([['credit_note', '-58.00'], ['invoice', '58.00']]);
    const s = await arSummary(t.wh, { asOf: D, baseCurrency: 'USD' });
    expect([s.totalAr, s.invoiceAr, s.unappliedCredits, s.unappliedCash]).toEqual(['0.00', '58.00', '-58.00', '0.00']);
    expect((await lines('2017-02-03')).length).toBe(0);
  });

  it('reports the 0.01 left by a payment of 99.99 on an invoice of 100', async () => {
    await l.invoice({ id: 'I', date: '2017-01-10', amount: 100 });
    await l.pay('I', '99.99', '2017-01-20');
    expect((await lines()).map((r) => r.open_amount)).toEqual(['0.01']);
    expect((await arSummary(t.wh, { asOf: D, baseCurrency: 'USD' })).totalAr).toBe('0.01');
  });

  it('shows a payment with no invoice as negative open AR on its own line', async () => {
    await l.invoice({ id: 'I', date: '2017-01-10', amount: 300 });
    await l.payment({ id: 'ADV', date: '2017-01-20', amount: 500 });
    expect((await lines()).map((r) => [r.item_kind, r.item_id, r.open_amount])).toEqual([
      ['invoice', 'I', '300.00'],
      ['payment', 'ADV', '-500.00'],
    ]);
    const s = await arSummary(t.wh, { asOf: D, baseCurrency: 'USD' });
    expect([s.totalAr, s.invoiceAr, s.unappliedCash]).toEqual(['-200.00', '300.00', '-500.00']);
  });

  it('keeps an invoice fully open at D when its payment is dated after D; two invoices sharing a future payment keep 50 each after it', async () => {
    await l.invoice({ id: 'I1', date: '2017-01-10', amount: 100 });
    await l.invoice({ id: 'I2', date: '2017-01-10', amount: 100 });
    const p = await l.payment({ date: '2017-02-10', amount: 100 });
    await l.apply({ payment: p, invoice: 'I1', amount: 50, date: '2017-02-10' });
    await l.apply({ payment: p, invoice: 'I2', amount: 50, date: '2017-02-10' });
    expect((await lines()).map((r) => r.open_amount)).toEqual(['100.00', '100.00']);
    expect((await lines('2017-02-10')).map((r) => [r.item_id, r.open_amount])).toEqual([
      ['I1', '50.00'],
      ['I2', '50.00'],
    ]);
  });

  it('does not count an application dated before its payment was received', async () => {
    await l.invoice({ id: 'I', date: '2017-01-10', amount: 100 });
    const p = await l.payment({ date: '2017-02-05', amount: 100 });
    await l.apply({ payment: p, invoice: 'I', amount: 100, date: '2017-01-20' });
    expect((await lines()).map((r) => r.open_amount)).toEqual(['100.00']);
    expect((await lines('2017-02-05')).length).toBe(0);
  });

  it('spreads one payment across several invoices', async () => {
    await l.invoice({ id: 'I1', date: '2017-01-02', amount: 100 });
    await l.invoice({ id: 'I2', date: '2017-01-03', amount: 200 });
    const p = await l.payment({ date: '2017-01-20', amount: 250 });
    await l.apply({ payment: p, invoice: 'I1', amount: 100, date: '2017-01-20' });
    await l.apply({ payment: p, invoice: 'I2', amount: 150, date: '2017-01-20' });
    expect((await lines()).map((r) => [r.item_id, r.open_amount])).toEqual([['I2', '50.00']]);
  });

  it('counts a backdated credit note from its own date, whenever it was loaded', async () => {
    await l.invoice({ id: 'I', date: '2017-01-02', amount: 100 });
    await l.credit({ invoice: 'I', date: '2017-01-15', amount: 30 });
    expect((await lines('2017-01-14')).map((r) => r.open_amount)).toEqual(['100.00']);
    expect((await lines('2017-01-15')).map((r) => r.open_amount)).toEqual(['70.00']);
  });

  it('reduces open AR by write-offs dated on or before D only', async () => {
    await l.invoice({ id: 'I', date: '2016-06-01', amount: 100 });
    await l.pay('I', 40, '2016-07-01');
    await l.writeOff('I', 60, '2017-01-31');
    expect((await lines('2017-01-30')).map((r) => r.open_amount)).toEqual(['60.00']);
    expect((await lines('2017-01-31')).length).toBe(0);
  });
});

describe('instalments (30 % at +30 days, 50 % at +60, 20 % at +90)', () => {
  async function withSchedule() {
    await l.invoice({ id: 'I', date: '2016-10-01', due: '2016-10-31', amount: 100 });
    await l.instalment('I', 1, '2016-10-31', 30);
    await l.instalment('I', 2, '2016-11-30', 50);
    await l.instalment('I', 3, '2016-12-30', 20);
  }

  it('a payment of 40 closes the first instalment and puts 10 on the second', async () => {
    await withSchedule();
    await l.pay('I', 40, '2016-10-20');
    expect((await lines()).map((r) => [r.line_no, r.open_amount, r.bucket])).toEqual([
      [2, '40.00', 3],
      [3, '20.00', 2],
    ]);
  });

  it('a credit note fills instalments in due order too', async () => {
    await withSchedule();
    await l.credit({ invoice: 'I', date: '2016-10-20', amount: 85 });
    expect((await lines()).map((r) => [r.line_no, r.open_amount])).toEqual([[3, '15.00']]);
  });
});

describe('disputed AR', () => {
  it('is the disputed part of open invoices under an open dispute, capped at the open amount, to the cent', async () => {
    await l.rate('2017-01-01', 'EUR', '1.10');
    await l.invoice({ id: 'I1', date: '2017-01-05', amount: 100 });
    await l.dispute({ invoice: 'I1', opened: '2017-01-10', amount: '33.33', cause: 'pricing' });
    await l.invoice({ id: 'I2', date: '2017-01-05', amount: 300 });
    await l.pay('I2', 150, '2017-01-20');
    await l.dispute({ invoice: 'I2', opened: '2017-01-10', amount: 200, cause: 'short_shipment' });
    await l.invoice({ id: 'I3', date: '2017-01-05', amount: 100, currency: 'EUR' });
    await l.dispute({ invoice: 'I3', opened: '2017-01-10', amount: '33.33', cause: 'tax' });
    await l.invoice({ id: 'I4', date: '2017-01-05', amount: 70 });
    await l.dispute({ invoice: 'I4', opened: '2017-01-10', amount: 70, cause: 'tax', resolved: '2017-01-25' });
    // 33.33 + 150 + round(110 × 33.33 / 100) = 36.66; I4's dispute was resolved before D
    expect((await arSummary(t.wh, { asOf: D, baseCurrency: 'USD' })).disputedAr).toBe('219.99');
    expect((await arSummary(t.wh, { asOf: '2017-01-20', baseCurrency: 'USD' })).disputedAr).toBe('289.99');
  });
});

describe('multi-currency', () => {
  it('converts the open document amount at the latest rate on or before D, and sales at the document-date rate', async () => {
    await l.customer('E1', { currency: 'EUR' });
    await l.rate('2017-01-01', 'EUR', '1.10');
    await l.rate('2017-01-20', 'EUR', '1.20');
    await l.rate('2017-02-10', 'EUR', '1.30');
    await l.invoice({ id: 'IE', customer: 'E1', date: '2017-01-05', due: '2017-02-04', amount: 1000, currency: 'EUR' });
    await l.pay('IE', 400, '2017-01-25', 'E1', 'EUR');
    const s = await arSummary(t.wh, { asOf: D, baseCurrency: 'USD', months: 2 });
    expect(s.totalAr).toBe('720.00'); // 600 EUR × 1.20
    expect(s.creditSales).toBe('1100.00'); // 1000 EUR × 1.10 on 5 Jan over the two-month period Jan–Feb
    const doc = await agingReport(t.wh, { asOf: D, baseCurrency: 'USD', currencyView: 'document', groupBy: 'customer' });
    expect(doc.map((r) => [r.groupKey, r.currency, r.total])).toEqual([['E1', 'EUR', '600.00']]);
    await l.pay('IE', 600, '2017-02-12', 'E1', 'EUR');
    expect((await arSummary(t.wh, { asOf: '2017-02-12', baseCurrency: 'USD' })).totalAr).toBe('0.00');
  });

  it('refuses to convert a currency without any rate, naming it', async () => {
    await l.invoice({ date: '2017-01-05', amount: 10, currency: 'GBP' });
    await expect(arSummary(t.wh, { asOf: D, baseCurrency: 'USD' })).rejects.toThrow(/GBP/);
  });
});
