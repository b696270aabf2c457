import { describe, expect, it } from 'vitest';
import { applyCalibration, bandScore, bestTimingScale, conformalQuantile, LATER_LEVEL_WEIGHT, learnCalibration, MIN_CALIBRATION_WEEKS, type CalibrationObs } from '../../scoring/forecast/calibration.ts';
import type { ForecastLine, ForecastWeek } from '../../scoring/forecast/forecast.ts';
import { allocItems, COMPONENTS, componentByWeek, rescaleTiming, sampleComponent } from '../../scoring/forecast/simulate.ts';

/** A calibration week with everything expected from open AR and every receipt applied to it (unless given). */
const obs = (horizon: number, expected: number, actual: number, half = 10, split?: { openAr: number; actualOpenAr: number }): CalibrationObs => ({
  horizon, expected, p10: expected - half, p50: expected, p90: expected + half, actual,
  openAr: split?.openAr ?? expected, later: expected - (split?.openAr ?? expected), actualOpenAr: split?.actualOpenAr ?? actual,
});

describe('forecast calibration on earlier origins', () => {
  it('levels each horizon group by its receipts over its forecast, clamped, and only with enough weeks', () => {
    const near = Array.from({ length: 10 }, () => obs(2, 100, 90));
    const far = Array.from({ length: 10 }, () => obs(8, 100, 200));
    const cal = learnCalibration([...near, ...far], 5);
    expect(cal.groups[0]?.openArLevel).toBeCloseTo(0.9, 9);
    expect(cal.groups[1]?.openArLevel).toBe(1.25); // 2.0 clamped
    const thin = learnCalibration(near.slice(0, MIN_CALIBRATION_WEEKS - 1), 1);
    expect(thin.groups.map((g) => [g.openArLevel, g.laterLevel, g.band])).toEqual([[1, 1, 1], [1, 1, 1]]);
  });

  it('levels open AR and orders + new business separately; the later part by half its ratio', () => {
    // open AR over-forecast by 10 % (54 received of 60), later invoicing under-forecast (46 received of 40)
    const rows = Array.from({ length: 12 }, () => obs(7, 100, 100, 10, { openAr: 60, actualOpenAr: 54 }));
    const cal = learnCalibration(rows, 4);
    expect(cal.groups[1]?.openArLevel).toBeCloseTo(0.9, 9);
    const later = 1 + LATER_LEVEL_WEIGHT * (46 / 40 - 1);
    expect(cal.groups[1]?.laterLevel).toBeCloseTo(later, 9);
    // a level on the total would have been 1.0 and left the open AR 10 % high
    const week: ForecastWeek = { weekStart: '2026-02-09', horizon: 7, expected: 100, p10: 80, p50: 100, p90: 120, openAr: 60, orders: 10, newBusiness: 30 };
    const lines: ForecastLine[] = [
      { weekStart: '2026-02-09', component: 'open_ar', customerId: 'C1', itemId: 'I1', currency: 'USD', rate: 1, expected: 60 },
      { weekStart: '2026-02-09', component: 'new_business', customerId: 'C1', itemId: null, currency: 'USD', rate: 1, expected: 30 },
    ];
    const { weeks: [out], lines: scaled } = applyCalibration([week], lines, cal);
    expect(out?.openAr).toBeCloseTo(54, 9);
    expect(out?.orders).toBeCloseTo(10 * later, 9);
    expect(out?.newBusiness).toBeCloseTo(30 * later, 9);
    expect(out?.expected).toBeCloseTo(54 + 40 * later, 9);
    expect(out?.p50).toBeCloseTo(54 + 40 * later, 9); // the band follows the week's expected (P50 was 100 = expected)
    expect(scaled.map((l) => l.expected)).toEqual([60 * 0.9, 30 * later]);
  });

  it('scales the band so that the split-conformal share of past weeks falls inside it', () => {
    // normalised distances 0.1 … 2.0 from the median; the band factor is their 0.8·21 = 16.8th smallest
    const rows = Array.from({ length: 20 }, (_, i) => obs(1, 100, 100 + (i % 2 ? 1 : -1) * 10 * 0.1 * (i + 1)));
    const cal = learnCalibration(rows, 4);
    expect(cal.groups[0]?.openArLevel).toBeCloseTo(1, 2);
    const s = rows.map((o) => bandScore(o.actual, o.p10, o.p50, o.p90) as number);
    // rank 0.8·21 = 16.8: between the 16th (1.6) and 17th (1.7) smallest
    expect(conformalQuantile(s)).toBeCloseTo(1.68, 9);
    const inside = s.filter((x) => x <= (cal.groups[0]?.band as number)).length / s.length;
    expect(inside).toBeGreaterThanOrEqual(0.8);
    expect(bandScore(0, 0, 0, 0)).toBeNull(); // nothing expected, nothing learnt
  });

  it('covers 80 % of new weeks on average, not at least 80 % (the ⌈0.8·(n + 1)⌉ rank gives 84 % with 18 weeks)', () => {
    // exchangeable scores: 18 calibration weeks and one new week, many times over
    let state = 12345;
    const rnd = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 4294967296);
    let covered = 0;
    const trials = 20_000;
    for (let t = 0; t < trials; t++) {
      const cal = Array.from({ length: 18 }, rnd);
      if (rnd() <= (conformalQuantile(cal) as number)) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.78);
    expect(covered / trials).toBeLessThan(0.82);
    expect(conformalQuantile([3, 1, 2])).toBe(3); // rank 3.2 beyond n: the largest
  });

  it('picks the open AR timing scale with the smallest error, and 1 when nothing tells them apart', () => {
    expect(bestTimingScale((k) => Math.abs(k - 0.8))).toBe(0.8);
    expect(bestTimingScale(() => 5)).toBe(1);
    // a stretch is around the earliest pay day: with the open AR arriving faster than scored, a scale < 1 wins
    const items = allocItems(1);
    items.amount[0] = 1000;
    [items.lo[0], items.q10[0], items.q50[0], items.q90[0]] = [0, 10, 30, 60];
    const actual = componentByWeek(rescaleTiming(items, 0.7, 'open_ar'), 'open_ar', 13);
    const err = (k: number) => componentByWeek(rescaleTiming(items, k, 'open_ar'), 'open_ar', 13).reduce((e, x, w) => e + Math.abs(x - (actual[w] as number)), 0);
    expect(bestTimingScale(err)).toBe(0.7);
    expect(rescaleTiming(items, 0.5, 'orders').q50[0]).toBe(30); // other components untouched
  });

  it('samples a large component systematically, keeping its total', () => {
    const many = allocItems(1000);
    for (let i = 0; i < 1000; i++) {
      many.amount[i] = 1 + (i % 7);
      many.component[i] = i % 2 === 0 ? COMPONENTS.indexOf('open_ar') : COMPONENTS.indexOf('orders');
      [many.q10[i], many.q50[i], many.q90[i]] = [5, 10, 20];
    }
    const total = Array.from(many.amount).reduce((a, x, i) => a + (i % 2 === 0 ? x : 0), 0);
    const s = sampleComponent(many, 'open_ar', 100);
    expect(s.n).toBeLessThanOrEqual(100);
    expect(Array.from(s.amount).reduce((a, x) => a + x, 0)).toBeCloseTo(total, 6);
    expect(sampleComponent(many, 'open_ar', 10_000).n).toBe(500);
  });

  it('applies level and band to weeks and lines; the components still add up to expected', () => {
    const week = (horizon: number, weekStart: string): ForecastWeek => ({ weekStart, horizon, expected: 100, p10: 80, p50: 98, p90: 125, openAr: 70, orders: 10, newBusiness: 20 });
    const weeks = [week(1, '2026-01-05'), week(6, '2026-02-09')];
    const lines: ForecastLine[] = [
      { weekStart: '2026-01-05', component: 'open_ar', customerId: 'C1', itemId: 'I1', currency: 'USD', rate: 1, expected: 70 },
      { weekStart: '2026-02-09', component: 'new_business', customerId: 'C1', itemId: null, currency: 'USD', rate: 1, expected: 20 },
    ];
    const cal = { origins: 3, weeks: 30, timingScale: 1, groups: [{ from: 1, to: 4, n: 12, openArLevel: 0.9, laterLevel: 1, band: 2 }, { from: 5, to: 52, n: 18, openArLevel: 1.1, laterLevel: 1, band: 0.5 }] };
    const out = applyCalibration(weeks, lines, cal);
    const [w1, w6] = out.weeks as [ForecastWeek, ForecastWeek];
    // open AR 70 × 0.9 + orders and new business 30 as simulated: the week's level is 93 / 100
    expect(w1.expected).toBeCloseTo(93, 9);
    expect(w1.openAr + w1.orders + w1.newBusiness).toBeCloseTo(w1.expected, 9);
    expect(w1.p50).toBeCloseTo(98 * 0.93, 9);
    expect(w1.p90 - w1.p50).toBeCloseTo(2 * (125 - 98) * 0.93, 9);
    expect(w1.p50 - w1.p10).toBeCloseTo(2 * (98 - 80) * 0.93, 9);
    expect(w6.expected).toBeCloseTo(107, 9);
    expect(w6.p90 - w6.p50).toBeCloseTo(0.5 * (125 - 98) * 1.07, 9);
    expect(out.lines.map((l) => l.expected)).toEqual([70 * 0.9, 20]);
    // a band scaled below zero stops at zero
    const wide = applyCalibration([week(1, '2026-01-05')], [], { ...cal, groups: [{ from: 1, to: 4, n: 12, openArLevel: 1, laterLevel: 1, band: 10 }] });
    expect(wide.weeks[0]?.p10).toBe(0);
  });
});
