import { describe, expect, it } from 'vitest';
import { buildItems, weekendRollOf } from '../../scoring/forecast/build-items.ts';
import type { ForecastInputs } from '../../scoring/forecast/inputs.ts';
import { allocItems, cdfDay, expectedByWeek, quantileDay, simulateTotals, sortedQuantile, summarise, type SimItems } from '../../scoring/forecast/simulate.ts';
import { dayNumber, forecastWeeks, isoWeekStart } from '../../scoring/forecast/weeks.ts';
import type { InvoiceScore } from '../../scoring/delinquency.ts';

function one(q: [number, number, number], opts: Partial<{ amount: number; lo: number; pLoss: number; pPoint: number; pointDay: number }> = {}): SimItems {
  const it = allocItems(1);
  it.amount[0] = opts.amount ?? 1000;
  it.lo[0] = opts.lo ?? 0;
  [it.q10[0], it.q50[0], it.q90[0]] = q;
  it.pLoss[0] = opts.pLoss ?? 0;
  it.pPoint[0] = opts.pPoint ?? 0;
  it.pointDay[0] = opts.pointDay ?? 0;
  return it;
}

const sim = { weeks: 13, draws: 2000, seed: 1, commonShiftSd: 0 };

describe('ISO week bucketing', () => {
  it('starts weeks on Monday, across a year boundary', () => {
    expect(isoWeekStart('2026-10-26')).toBe('2026-10-26'); // Monday
    expect(isoWeekStart('2026-11-01')).toBe('2026-10-26'); // Sunday
    expect(isoWeekStart('2027-01-01')).toBe('2026-12-28'); // Friday, ISO week 53 of 2026
    expect(isoWeekStart('2024-02-29')).toBe('2024-02-26');
  });

  it('week 1 is the week holding the day after the as-of date', () => {
    expect(forecastWeeks('2026-10-30', 3)).toEqual(['2026-10-26', '2026-11-02', '2026-11-09']); // Friday: Sat–Sun left
    expect(forecastWeeks('2026-11-01', 2)).toEqual(['2026-11-02', '2026-11-09']); // Sunday: next week
    expect(dayNumber('1970-01-05') % 7).toBe(4);
  });
});

describe('simulation of one invoice', () => {
  it('a certain pay day lands all of the amount in its week, in every draw', () => {
    const s = summarise(one([10, 10, 10]), sim);
    expect(s[1]?.mean).toBeCloseTo(1000, 6);
    expect([s[1]?.p10, s[1]?.p50, s[1]?.p90]).toEqual([1000, 1000, 1000]);
    expect(s[0]?.mean).toBe(0);
    expect(s[2]?.p90).toBe(0);
  });

  it('spreads mass over the weeks of its quantiles; the simulated mean matches the exact one', () => {
    const items = one([3, 17, 40]);
    const exact = new Float64Array(13);
    expectedByWeek(items, 0, 13, exact);
    const hist = simulateTotals(items, { ...sim, draws: 20_000 });
    for (let w = 0; w < 13; w++) {
      let s = 0;
      for (let d = 0; d < 20_000; d++) s += hist[d * 13 + w] as number;
      expect(Math.abs(s / 20_000 - (exact[w] as number))).toBeLessThan(15);
    }
    // P50 = day 17 lies in week index 2 (days 14–20)
    expect((exact[0] as number) + (exact[1] as number)).toBeLessThan(500);
    expect((exact[0] as number) + (exact[1] as number) + (exact[2] as number)).toBeGreaterThan(500);
    expect(exact.reduce((a, b) => a + b, 0)).toBeGreaterThan(990);
  });

  it('CDF and inverse CDF agree', () => {
    for (const u of [0.05, 0.1, 0.3, 0.5, 0.7, 0.9, 0.95, 0.99]) {
      const x = quantileDay(u, -100, 5, 12, 30);
      expect(cdfDay(x - 0.5, -100, 5, 12, 30)).toBeCloseTo(u, 6);
    }
  });

  it('never pays before the earliest day and loses the write-off share', () => {
    const s = summarise(one([-20, -5, 3], { lo: 8, pLoss: 0.25 }), sim);
    expect(s[0]?.mean).toBe(0);
    expect(s.reduce((t, w) => t + w.mean, 0)).toBeCloseTo(750, 3);
    expect(s[1]?.mean).toBeGreaterThan(700);
  });

  it('a promise moves mass to the promised week', () => {
    const base = summarise(one([3, 10, 20]), sim);
    const promised = summarise(one([3, 10, 20], { pPoint: 0.7, pointDay: 30 }), sim);
    expect(base[4]?.mean ?? 0).toBeLessThan(100);
    expect(promised[4]?.mean).toBeGreaterThan(700);
    expect(promised[4]?.p90).toBe(1000);
  });
});

describe('intervals', () => {
  it('P10–P90 of a known distribution covers about 80 % of independent outcomes', () => {
    const n = 200;
    const items = allocItems(n);
    for (let i = 0; i < n; i++) {
      items.amount[i] = 100 + (i % 7) * 50;
      items.q10[i] = (i % 5) * 3;
      items.q50[i] = (items.q10[i] as number) + 10;
      items.q90[i] = (items.q50[i] as number) + 25;
      items.pLoss[i] = 0.05;
    }
    const s = summarise(items, { ...sim, draws: 2000 });
    const outcomes = simulateTotals(items, { ...sim, draws: 400, seed: 99 });
    let inside = 0;
    let total = 0;
    for (let w = 0; w < 4; w++) {
      for (let d = 0; d < 400; d++) {
        const a = outcomes[d * 13 + w] as number;
        total++;
        if (a >= (s[w]?.p10 as number) && a <= (s[w]?.p90 as number)) inside++;
      }
    }
    expect(inside / total).toBeGreaterThan(0.74);
    expect(inside / total).toBeLessThan(0.87);
  });

  it('moves weekend pay days to Monday as often as the history says no cash arrives on weekends', () => {
    // day 12 is the Saturday of week index 1 (Monday = day 7)
    const items = one([12, 12, 12]);
    expect(summarise(items, sim).map((w) => w.mean).slice(0, 3)).toEqual([0, 1000, 0]);
    const rolled = summarise(items, { ...sim, weekendRoll: 1 });
    expect(rolled.map((w) => w.mean).slice(0, 3)).toEqual([0, 0, 1000]);
    expect([rolled[2]?.p10, rolled[2]?.p90]).toEqual([1000, 1000]);
    // the simulated split of a spread distribution agrees with the exact one under a partial roll
    const spread = one([3, 17, 40]);
    const exact = new Float64Array(13);
    expectedByWeek(spread, 0, 13, exact, 0.5);
    const unrolled = new Float64Array(13);
    expectedByWeek(spread, 0, 13, unrolled);
    // rolling only moves mass between weeks: the totals differ by the rolled half of the last weekend (days 89–90)
    const lastWeekend = 1000 * (cdfDay(90, 0, 3, 17, 40) - cdfDay(88, 0, 3, 17, 40));
    expect(unrolled.reduce((a, b) => a + b, 0) - exact.reduce((a, b) => a + b, 0)).toBeCloseTo(0.5 * lastWeekend, 6);
    expect(exact[2]).not.toBeCloseTo(unrolled[2] as number, 0);
    const hist = simulateTotals(spread, { ...sim, draws: 20_000, weekendRoll: 0.5 });
    for (let w = 0; w < 8; w++) {
      let s = 0;
      for (let d = 0; d < 20_000; d++) s += hist[d * 13 + w] as number;
      expect(Math.abs(s / 20_000 - (exact[w] as number))).toBeLessThan(15);
    }
    expect(weekendRollOf(0)).toBe(1);
    expect(weekendRollOf(2 / 7)).toBeCloseTo(0, 12);
    expect(weekendRollOf(null)).toBe(0);
  });

  it('is reproducible with a seed', () => {
    const items = one([3, 17, 40]);
    expect(simulateTotals(items, sim)).toEqual(simulateTotals(items, sim));
    expect(sortedQuantile(new Float64Array([1, 2, 3, 4, 5]), 0.5)).toBe(3);
  });
});

describe('open invoice slices', () => {
  const score = (over: Partial<InvoiceScore> = {}): InvoiceScore => ({
    asOf: '2026-03-01', invoiceId: 'I1', customerId: 'C1', segment: 's', currency: 'USD', invoiceDate: '2026-02-01', dueDate: '2026-03-03',
    openAmount: 1000, daysPastDue: -2, pLate: 0.3, pLate30: 0.1, pWriteOff: 0, expectedLoss: 0, expectedWriteOffMonth: '2026-05',
    daysToPayP10: 30, daysToPayP50: 33, daysToPayP90: 40, expectedPayDate: '2026-03-06', reasons: [], ...over,
  });
  const inputs = (over: Partial<ForecastInputs> = {}): ForecastInputs => ({
    fx: [{ currency: 'USD', rate: 1 }], promises: [], promiseHistory: { settled: 0, kept: 0 }, disputes: [], closedDisputes: [], orders: [], orderLagDays: null,
    customers: [{ customerId: 'C1', segment: 's', termsDays: 30, daysLate: [0, 2, 5] }], invoicing: [], settlement: { invoiced: 0, credited: 0, writtenOff: 0 }, weekendReceiptShare: null, ...over,
  });
  const opts = { asOf: '2026-03-01', weeks: 13, baseCurrency: 'USD', currency: null };
  const weekly = (inp: ForecastInputs) => summarise(buildItems([score()], inp, opts).items, sim).map((w) => w.mean);

  it('an open dispute delays the disputed part and loses the cause’s loss share', () => {
    const closedDisputes = Array.from({ length: 10 }, (_, i) => ({ cause: 'pricing', daysOpen: 40 + i, lost: i < 3 }));
    const plain = weekly(inputs());
    const disputed = weekly(inputs({ disputes: [{ disputeId: 'D1', invoiceId: 'I1', openedDate: '2026-02-20', amount: 400, cause: 'pricing' }], closedDisputes }));
    const sum = (a: number[], from = 0, to = 13) => a.slice(from, to).reduce((s, x) => s + x, 0);
    expect(sum(plain)).toBeCloseTo(1000, 0);
    expect(sum(disputed)).toBeCloseTo(600 + 400 * 0.7, 0);
    expect(sum(disputed, 0, 2)).toBeCloseTo(sum(plain, 0, 2) * 0.6, 0);
    expect(sum(disputed, 4)).toBeGreaterThan(250);
  });

  it('credit notes settle the historical credit share of invoicing instead of cash', () => {
    const sum = (a: number[]) => a.reduce((s, x) => s + x, 0);
    expect(sum(weekly(inputs({ settlement: { invoiced: 10_000, credited: 1000, writtenOff: 0 } })))).toBeCloseTo(900, 0);
  });

  it('a customer-level promise is kept with the historical keep rate on the promised date', () => {
    const plain = weekly(inputs());
    const promised = weekly(inputs({ promises: [{ promiseId: 'P1', customerId: 'C1', invoiceId: null, promisedDate: '2026-03-25', amount: 500 }], promiseHistory: { settled: 20, kept: 16 } }));
    // the unpromised 500 and the broken 20 % of the promise follow the model
    expect(promised[3]).toBeCloseTo(500 * 0.8 + 0.6 * (plain[3] as number), 6);
    expect(promised[1]).toBeCloseTo(0.6 * (plain[1] as number), 6);
  });
});
