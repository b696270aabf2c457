import { describe, expect, it } from 'vitest';
import { fitGbt, gbtContributions, gbtLogit, predictGbt } from '../../scoring/models/gbt.ts';
import { applyIsotonic, fitIsotonic } from '../../scoring/models/isotonic.ts';
import { fitQuantileGbt, predictQuantileGbt } from '../../scoring/models/quantile-gbt.ts';
import { fitLogistic, logisticContributions, logisticLogit, predictLogistic, solveSpd } from '../../scoring/models/logistic.ts';
import { brier, calibrationTable, intervalCoverage, meanAbsoluteError, prAuc, rocAuc, topDecileCapture } from '../../scoring/evaluation/metrics.ts';

function lcg(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1664525 + 1013904223) % 4294967296;
    return s / 4294967296;
  };
}

describe('logistic regression', () => {
  it('solves a small SPD system', () => {
    const x = solveSpd([[4, 1], [1, 3]], [1, 2]);
    expect(x[0]).toBeCloseTo(1 / 11, 10);
    expect(x[1]).toBeCloseTo(7 / 11, 10);
  });

  it('recovers the sign and rough size of a known coefficient and ranks well', () => {
    const r = lcg(1);
    const x: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const a = r() * 4 - 2;
      const b = r() * 4 - 2;
      const p = 1 / (1 + Math.exp(-(2 * a - 0.5)));
      x.push([a, b]);
      y.push(r() < p ? 1 : 0);
    }
    const m = fitLogistic(x, y, 0.1);
    // weights are per standard deviation; a ~ U(-2,2) has sd 1.155
    expect((m.weights[1] as number) / (m.scales[0] as number)).toBeGreaterThan(1.5);
    expect((m.weights[1] as number) / (m.scales[0] as number)).toBeLessThan(2.5);
    expect(Math.abs(m.weights[2] as number)).toBeLessThan(0.2);
    expect(rocAuc(x.map((row) => predictLogistic(m, row)), y)).toBeGreaterThan(0.8);
    const row = [1, 0];
    const c = logisticContributions(m, row);
    expect((m.weights[0] as number) + c.reduce((s, v) => s + v, 0)).toBeCloseTo(logisticLogit(m, row), 10);
  });
});

describe('gradient-boosted trees', () => {
  it('learns an interaction a linear model cannot and decomposes its log-odds exactly', () => {
    const r = lcg(2);
    const x: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 3000; i++) {
      const a = r();
      const b = r();
      x.push([a, b, r()]);
      y.push((a > 0.5) !== (b > 0.5) ? (r() < 0.9 ? 1 : 0) : r() < 0.1 ? 1 : 0);
    }
    const g = fitGbt(x, y);
    const l = fitLogistic(x, y);
    const aucG = rocAuc(x.map((row) => predictGbt(g, row)), y);
    const aucL = rocAuc(x.map((row) => predictLogistic(l, row)), y);
    expect(aucG).toBeGreaterThan(0.85);
    expect(aucL).toBeLessThan(0.65);
    const row = [0.8, 0.2, 0.5];
    const roots = g.trees.reduce((s, t) => s + (t[0]?.v ?? 0), 0);
    const contrib = gbtContributions(g, row);
    expect(g.base + roots + contrib.reduce((s, v) => s + v, 0)).toBeCloseTo(gbtLogit(g, row), 8);
    // the noise feature matters least
    expect(Math.abs(contrib[2] as number)).toBeLessThan(Math.abs(contrib[0] as number));
  });

  it('is deterministic', () => {
    const x = [[1], [2], [3], [4], [5], [6], [7], [8]].flatMap((v) => Array.from({ length: 20 }, () => v));
    const y = x.map((v) => ((v[0] as number) > 4 ? 1 : 0));
    expect(JSON.stringify(fitGbt(x, y))).toBe(JSON.stringify(fitGbt(x, y)));
  });
});

describe('quantile gradient-boosted trees', () => {
  it('tracks a conditional median and a P10–P90 band that covers about 80 % out of sample', () => {
    const r = lcg(3);
    // y depends non-linearly on a, with noise whose spread grows with b; c is noise
    const draw = () => {
      const a = r();
      const b = r();
      const row = [a, b, r()];
      return { row, y: (a > 0.5 ? 20 : 0) + 10 * a + (r() * 2 - 1) * (2 + 20 * b) };
    };
    const train = Array.from({ length: 4000 }, draw);
    const test = Array.from({ length: 2000 }, draw);
    const fit = (alpha: number) => fitQuantileGbt(train.map((t) => t.row), train.map((t) => t.y), alpha);
    const [m10, m50, m90] = [fit(0.1), fit(0.5), fit(0.9)];
    let inside = 0;
    let errModel = 0;
    let errConst = 0;
    const median = [...train.map((t) => t.y)].sort((x, y) => x - y)[2000] as number;
    for (const t of test) {
      const [lo, mid, hi] = [predictQuantileGbt(m10, t.row), predictQuantileGbt(m50, t.row), predictQuantileGbt(m90, t.row)];
      if (t.y >= lo && t.y <= hi) inside++;
      errModel += Math.abs(t.y - mid);
      errConst += Math.abs(t.y - median);
    }
    expect(inside / test.length).toBeGreaterThan(0.72);
    expect(inside / test.length).toBeLessThan(0.88);
    expect(errModel / errConst).toBeLessThan(0.6);
    // the band is wider where the noise is (b large) than where it is not
    const width = (b: number) => predictQuantileGbt(m90, [0.3, b, 0.5]) - predictQuantileGbt(m10, [0.3, b, 0.5]);
    expect(width(0.9)).toBeGreaterThan(2 * width(0.1));
  });
});

describe('isotonic calibration', () => {
  it('is monotone and maps scores to observed frequencies', () => {
    const scores = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];
    const labels = [0, 0, 1, 0, 1, 1, 1, 1];
    const c = fitIsotonic(scores, labels);
    for (let i = 1; i < c.y.length; i++) expect(c.y[i] as number).toBeGreaterThanOrEqual(c.y[i - 1] as number);
    expect(applyIsotonic(c, 0.05)).toBeLessThan(0.2);
    expect(applyIsotonic(c, 0.95)).toBeGreaterThan(0.8);
    // the violating pair (0.3 → 1, 0.4 → 0) pools to 0.5
    expect(applyIsotonic(c, 0.35)).toBeCloseTo(0.5, 1);
  });
});

describe('metrics', () => {
  it('computes ROC AUC with ties and PR AUC by average precision', () => {
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.75, 10);
    expect(rocAuc([0.5, 0.5], [0, 1])).toBe(0.5);
    expect(prAuc([0.9, 0.8, 0.7, 0.6], [1, 0, 1, 0])).toBeCloseTo((1 + 2 / 3) / 2, 10);
  });

  it('computes Brier, calibration error, top-decile capture, MAE and coverage', () => {
    expect(brier([1, 0, 0.5], [1, 0, 1])).toBeCloseTo(0.25 / 3, 10);
    const cal = calibrationTable([0.05, 0.05, 0.95, 0.95], [0, 1, 1, 1]);
    expect(cal.bins[0]?.observed).toBe(0.5);
    expect(cal.error).toBeCloseTo((2 / 4) * 0.45 + (2 / 4) * 0.05, 10);
    const scores = Array.from({ length: 20 }, (_, i) => i);
    const labels = scores.map((i) => (i >= 18 ? 1 : i === 0 ? 1 : 0));
    const amounts = scores.map(() => 100);
    expect(topDecileCapture(scores, labels, amounts)).toBeCloseTo(2 / 3, 10);
    // 20 rows tied: the top two places hold 2/20 of the tied late amount whatever the row order
    const tied = Array.from({ length: 20 }, () => 1);
    const late = tied.map((_, i) => (i < 10 ? 1 : 0));
    expect(topDecileCapture(tied, late, amounts)).toBeCloseTo(0.1, 10);
    expect(topDecileCapture(tied, [...late].reverse(), amounts)).toBeCloseTo(0.1, 10);
    expect(meanAbsoluteError([1, 2, 3], [2, 2, 5])).toBe(1);
    expect(intervalCoverage([0, 0], [1, 1], [0.5, 2])).toBe(0.5);
  });
});
