/**
 * Reserve (schedule 24,400 and provision matrix 27,567) and payment behaviour (WADL 12.0 / 20.0)
 * rebuilt as ledgers and run through the SQL path the API uses.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { paymentBehaviour } from '../../models/payment-behaviour-report.ts';
import { reserveReport, rollRates } from '../../models/reserve-report.ts';
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

describe('bad-debt reserve', () => {
  it('aging schedule: 560,000@1 % + 252,000@5 % + 4,000@10 % + 800@25 % + 11,200@50 % → 24,400; unapplied cash is not reserved', async () => {
    await l.invoice({ date: '2017-12-20', due: '2018-01-15', amount: 560_000 });
    await l.invoice({ date: '2017-11-15', due: '2017-12-15', amount: 252_000 });
    await l.invoice({ date: '2017-10-15', due: '2017-11-15', amount: 4_000 });
    await l.invoice({ date: '2017-09-15', due: '2017-10-15', amount: 800 });
    await l.invoice({ date: '2017-08-01', due: '2017-09-01', amount: 11_200 });
    await l.payment({ date: '2017-12-01', amount: 1_000 });
    const r = await reserveReport(t.wh, { asOf: '2017-12-31', baseCurrency: 'USD', method: 'schedule' });
    expect(r.total).toBe('24400.00');
    expect(r.buckets.map((b) => b.amount)).toEqual(['560000.00', '252000.00', '4000.00', '800.00', '0.00', '11200.00']);
  });

  it('provision matrix: loss rates 2.0 / 4.0 / 8.7 / 25 / 100 % from the January cohort → 27,567 on year-end AR', async () => {
    // January cohort, due 31 Jan: 50,000 on time, 27,000 1–30 late, 15,000 31–60, 6,000 61–90, 2,000 never
    const cohort: [number, string | null][] = [
      [50_000, '2017-01-31'],
      [27_000, '2017-02-15'],
      [15_000, '2017-03-20'],
      [6_000, '2017-04-20'],
      [2_000, null],
    ];
    for (const [i, [amount, paidOn]] of cohort.entries()) {
      const id = await l.invoice({ id: `J${i}`, date: '2017-01-01', due: '2017-01-31', amount });
      if (paidOn) await l.pay(id, amount, paidOn);
    }
    // year-end AR by bucket: 300,000 / 140,000 / 60,000 / 23,000 / 5,000 (2,000 of it the lost January invoice)
    await l.invoice({ date: '2017-12-20', due: '2018-01-19', amount: 300_000 });
    await l.invoice({ date: '2017-11-15', due: '2017-12-15', amount: 140_000 });
    await l.invoice({ date: '2017-10-15', due: '2017-11-15', amount: 60_000 });
    await l.invoice({ date: '2017-09-15', due: '2017-10-15', amount: 23_000 });
    await l.invoice({ date: '2017-08-01', due: '2017-08-31', amount: 3_000 });
    const r = await reserveReport(t.wh, {
      asOf: '2017-12-31',
      baseCurrency: 'USD',
      method: 'matrix',
      edges: [0, 30, 60, 90],
      cohortFrom: '2017-01-01',
      cohortTo: '2017-01-31',
    });
    expect(r.cohort).toEqual({
      from: '2017-01-01',
      to: '2017-01-31',
      invoices: 5,
      reached: ['100000.00', '50000.00', '23000.00', '8000.00', '2000.00'],
      loss: '2000.00',
    });
    expect(r.buckets.map((b) => Number((b.rate * 100).toFixed(1)))).toEqual([2.0, 4.0, 8.7, 25.0, 100.0]);
    expect(r.buckets.map((b) => b.amount)).toEqual(['300000.00', '140000.00', '60000.00', '23000.00', '5000.00']);
    expect(Math.round(Number(r.total))).toBe(27_567);
  });

  it('says which cohort has not matured instead of inventing rates', async () => {
    await l.invoice({ date: '2017-12-01', due: '2017-12-31', amount: 100 });
    await expect(reserveReport(t.wh, { asOf: '2017-12-31', baseCurrency: 'USD', method: 'matrix' })).rejects.toThrow(/no matured invoice cohort/);
  });
});

describe('roll rates', () => {
  it('200,000 of 1,000,000 at 31–60 days past due rolls to 61–90 a month later → 20 %', async () => {
    await l.invoice({ id: 'X', date: '2017-01-21', due: '2017-02-20', amount: 200_000 });
    await l.invoice({ id: 'Y', date: '2017-01-21', due: '2017-02-20', amount: 800_000 });
    await l.pay('Y', 800_000, '2017-04-10');
    const items = await rollRates(t.wh, { asOf: '2017-04-30', from: '2017-03-01', baseCurrency: 'USD' });
    expect(items[2]).toEqual({ from: '31-60', to: '61-90', amount: '1000000.00', rolled: '200000.00', rate: 0.2 });
    expect(items.map((i) => i.from)).toEqual(['current', '1-30', '31-60', '61-90', '91-120']);
  });
});

describe('payment behaviour', () => {
  it('9,000 paid 10 days late and 1,000 paid 30 days late → WADL 12.0, average 20.0, index 72', async () => {
    const a = await l.invoice({ date: '2017-01-01', due: '2017-01-31', amount: 9_000 });
    const b = await l.invoice({ date: '2017-02-01', due: '2017-03-03', amount: 1_000 });
    await l.pay(a, 5_000, '2017-02-05');
    await l.pay(a, 4_000, '2017-02-10'); // closed on its last payment: 10 days late
    await l.pay(b, 1_000, '2017-04-02'); // 30 days late
    const c = await l.invoice({ date: '2017-02-01', due: '2017-03-03', amount: 500 });
    await l.writeOff(c, 500, '2017-04-01'); // written off, not paid: left out
    const rows = await paymentBehaviour(t.wh, { asOf: '2017-06-30', from: '2017-01-01', baseCurrency: 'USD' });
    expect(rows).toEqual([
      expect.objectContaining({
        customerId: 'C1',
        paidInvoices: 2,
        paidAmount: '10000.00',
        weightedDaysLate: 12,
        averageDaysLate: 20,
        paymentIndex: 72,
      }),
    ]);
  });
});
