import { describe, expect, it } from 'vitest';
import { paidByCdf, pUnpaidAfter } from '../../scoring/worklist/horizon.ts';
import { captureAtTop } from '../../scoring/worklist/capture.ts';

describe('worklist horizon probability', () => {
  const q = { p10: 10, p50: 30, p90: 70 };

  it('passes through the stored quantiles and is linear between them', () => {
    expect(paidByCdf(q, 0)).toBe(0);
    expect(paidByCdf(q, 5)).toBeCloseTo(0.05, 10);
    expect(paidByCdf(q, 10)).toBeCloseTo(0.1, 10);
    expect(paidByCdf(q, 20)).toBeCloseTo(0.3, 10);
    expect(paidByCdf(q, 30)).toBeCloseTo(0.5, 10);
    expect(paidByCdf(q, 70)).toBeCloseTo(0.9, 10);
    // past P90 at the P50–P90 slope (0.4 per 40 days) until 1
    expect(paidByCdf(q, 80)).toBeCloseTo(1, 10);
    expect(paidByCdf(q, 75)).toBeCloseTo(0.95, 10);
    expect(paidByCdf(q, 400)).toBe(1);
  });

  it('is non-decreasing whatever order the rounded quantiles come in', () => {
    for (const d of [{ p10: 5, p50: 5, p90: 5 }, { p10: 8, p50: 3, p90: 2 }, { p10: -4, p50: 0, p90: 12 }]) {
      let prev = 0;
      for (let t = -2; t <= 40; t++) {
        const f = paidByCdf(d, t);
        expect(f).toBeGreaterThanOrEqual(prev);
        expect(f).toBeLessThanOrEqual(1);
        prev = f;
      }
    }
    // all mass at one day: paid by then for sure
    expect(paidByCdf({ p10: 5, p50: 5, p90: 5 }, 5)).toBe(1);
    expect(paidByCdf({ p10: 5, p50: 5, p90: 5 }, 4)).toBeLessThan(0.1);
  });

  it('adds the write-off probability to the chance of paying after the horizon', () => {
    expect(pUnpaidAfter(q, 0, 30)).toBeCloseTo(0.5, 10);
    expect(pUnpaidAfter(q, 0.2, 30)).toBeCloseTo(0.2 + 0.8 * 0.5, 10);
    expect(pUnpaidAfter(q, 1, 30)).toBe(1);
    expect(pUnpaidAfter(q, 0, 200)).toBe(0);
  });
});

describe('capture at the top of a ranking', () => {
  it('sums the late amount of the top share by the key, ties in input order', () => {
    const c = [
      { late: 5, k: 1 },
      { late: 7, k: 3 },
      { late: 11, k: 3 },
      { late: 13, k: 0 },
      { late: 17, k: 2 },
    ];
    expect(captureAtTop(c, (x) => x.k, 0.4)).toBe(7 + 11);
    expect(captureAtTop(c, (x) => x.k, 0.2)).toBe(7);
    // never less than one candidate
    expect(captureAtTop(c, (x) => -x.k, 0.01)).toBe(13);
  });
});
