import { describe, expect, it } from 'vitest';
import { invoicingRunRate } from '../../scoring/forecast/run-rate.ts';

const WEEK = 7;
/** Weekly history of `weeks` complete weeks ending at day 0 (the last complete week's Monday). */
const history = (weeks: number, amount: (k: number) => number) => new Map(Array.from({ length: weeks }, (_, k) => [-(weeks - 1 - k) * WEEK, amount(weeks - 1 - k)] as [number, number]));
const next13 = Array.from({ length: 13 }, (_, k) => (k + 1) * WEEK);

describe('invoicing run-rate of new business', () => {
  it('uses the mean of the last 13 complete weeks with less than 65 weeks of history', () => {
    const rr = invoicingRunRate({ history: history(40, (ago) => (ago < 13 ? 200 : 100)), lastCompleteWeek: 0, weeks: next13 });
    expect(rr.method).toBe('recent_mean');
    expect(rr.perWeek).toEqual(next13.map(() => 200));
  });

  it('is exact on a flat history, and averages the seasonal forecast with the 26-week mean', () => {
    expect(invoicingRunRate({ history: history(104, () => 100), lastCompleteWeek: 0, weeks: next13 }).perWeek.every((x) => Math.abs(x - 100) < 1e-9)).toBe(true);
    // the weeks a year before the forecast weeks (51 … 39 weeks ago, ±1) were 300, everything else 100
    const lumpy = history(104, (ago) => (ago >= 38 && ago <= 51 ? 300 : 100));
    const rr = invoicingRunRate({ history: lumpy, lastCompleteWeek: 0, weeks: next13 });
    expect(rr.method).toBe('seasonal_naive+recent_mean');
    // seasonal: 300 × level 1 (last 13 weeks 100 against 100 a year before); 26-week mean 100 → (300 + 100) / 2
    expect(rr.perWeek[5]).toBeCloseTo(200, 9);
  });

  it('moves half as far as the seasonal forecast alone when one quarter a year earlier was lumpy', () => {
    // a year ago the 13 weeks before the as-of date invoiced half as much: the seasonal level doubles (clamped to 1.5)
    const h = history(104, (ago) => (ago >= 52 && ago <= 64 ? 50 : 100));
    const rr = invoicingRunRate({ history: h, lastCompleteWeek: 0, weeks: next13 });
    const seasonalAlone = 100 * 1.5;
    expect(rr.perWeek[6]).toBeCloseTo((seasonalAlone + 100) / 2, 9);
  });
});
