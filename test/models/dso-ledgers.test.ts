/**
 * The DSO/CEI worked examples rebuilt as ledgers and run through arSummary — the SQL marts plus the
 * pure formulas, i.e. exactly what GET /api/v1/metrics/summary serves.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { arSummary } from '../../models/metrics.ts';
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

const summary = (asOf: string, months?: number, ceiMonths?: number) =>
  arSummary(t.wh, { asOf, baseCurrency: 'USD', ...(months ? { months } : {}), ...(ceiMonths ? { ceiMonths } : {}) });

describe('DSO from ledgers', () => {
  it('simple DSO 30.4: AR 150,000 after a year of 1,800,000 credit sales (365 days)', async () => {
    for (let m = 1; m <= 12; m++) {
      const d = `2017-${String(m).padStart(2, '0')}-01`;
      const inv = await l.invoice({ date: d, due: d, amount: 150_000 });
      if (m < 12) await l.pay(inv, 150_000, `2017-${String(m).padStart(2, '0')}-20`);
    }
    const s = await summary('2017-12-31', 12);
    expect([s.periodDays, s.creditSales, s.totalAr]).toEqual([365, '1800000.00', '150000.00']);
    expect(s.dso.simple?.toFixed(1)).toBe('30.4');
  });

  it('countback 129 days with calendar months: AR 2,000 at 31 Jan, sales 200 / 400 / 600 / 700 / 500', async () => {
    const sales: [string, number][] = [['2016-09-01', 500], ['2016-10-01', 700], ['2016-11-01', 600], ['2016-12-01', 400], ['2017-01-01', 200]];
    for (const [d, a] of sales) await l.invoice({ id: `I${d}`, date: d, amount: a });
    await l.pay('I2016-09-01', 400, '2016-10-05');
    const s = await summary('2017-01-31');
    expect(s.totalAr).toBe('2000.00');
    expect(s.dso.countback).toBe(129);
    expect(s.countbackExhausted).toBe(true);
  });

  it('DSO 45 / BPDSO 12 / ADD 33 over a 30-day month', async () => {
    await l.invoice({ date: '2017-03-01', due: '2017-03-31', amount: 5_000 });
    await l.invoice({ date: '2017-04-01', due: '2017-04-15', amount: 6_000 });
    await l.invoice({ date: '2017-04-20', due: '2017-05-30', amount: 4_000 });
    const s = await summary('2017-04-30', 1);
    expect([s.totalAr, s.currentAr, s.creditSales, s.periodDays]).toEqual(['15000.00', '4000.00', '10000.00', 30]);
    expect([s.dso.simple, s.dso.bestPossible, s.dso.add]).toEqual([45, 12, 33]);
  });

  it("true DSO 11.55 at 31 Mar (Oracle's documented form)", async () => {
    await l.invoice({ id: 'M1', date: '2017-03-20', due: '2017-04-19', amount: 50_000 });
    await l.invoice({ id: 'M2', date: '2017-03-02', due: '2017-04-01', amount: 150_000 });
    await l.pay('M2', 150_000, '2017-03-25');
    await l.invoice({ id: 'F1', date: '2017-02-15', due: '2017-03-17', amount: 30_000 });
    await l.invoice({ id: 'F2', date: '2017-02-03', due: '2017-03-05', amount: 120_000 });
    await l.pay('F2', 120_000, '2017-03-01');
    const s = await summary('2017-03-31');
    expect(s.dso.true).toBe(11.55);
  });
});

describe('CEI from a ledger', () => {
  // begin AR 6,200; Jan–Mar sales 10,890; end total 6,340; end current 3,590
  async function ceiLedger() {
    await l.invoice({ id: 'D', date: '2016-12-01', due: '2016-12-31', amount: 6_200 });
    await l.invoice({ id: 'J', date: '2017-01-10', due: '2017-01-31', amount: 3_000 });
    await l.invoice({ id: 'F', date: '2017-02-10', due: '2017-02-28', amount: 4_300 });
    await l.invoice({ id: 'M', date: '2017-03-10', due: '2017-04-30', amount: 3_590 });
    await l.pay('D', 6_200, '2017-01-15');
    await l.pay('J', 3_000, '2017-02-15');
    await l.pay('F', 1_550, '2017-03-15');
  }

  it('gives 55.9 % with N = 3 and 79.6 % in the annual (undivided) form', async () => {
    await ceiLedger();
    const s = await summary('2017-03-31', 3);
    expect([s.beginAr, s.creditSales, s.totalAr, s.currentAr]).toEqual(['6200.00', '10890.00', '6340.00', '3590.00']);
    expect([s.cei, s.ceiMonths]).toEqual([55.93, 3]);
    const annual = await summary('2017-03-31', 3, 1);
    expect([annual.cei, annual.ceiMonths]).toEqual([79.63, 1]);
  });

  it('reports % current and % over 90 of the receivables base', async () => {
    await ceiLedger();
    const s = await summary('2017-03-31', 3);
    expect(s.percentCurrent).toBe(Number(((3_590 / 6_340) * 100).toFixed(2)));
    expect(s.percentOver90).toBe(0);
    // average-AR DSO: AR at 31 Dec, 31 Jan, 28 Feb and 31 Mar over Jan–Mar sales and 90 days
    const avg = (6_200 + 3_000 + 4_300 + 6_340) / 4;
    expect(s.dso.average).toBe(Number(((avg / 10_890) * 90).toFixed(2)));
  });
});
