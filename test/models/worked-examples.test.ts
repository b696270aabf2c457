/** Every worked example of /work/shared/research/metrics.md, to the cent / 0.1 day, on the pure formulas. */
import { describe, expect, it } from 'vitest';
import { bucketDefs, bucketIndex, parseBucketEdges } from '../../models/buckets.ts';
import { averageDaysDelinquent, bestPossibleDso, cei, countbackDso, simpleDso, trueDso } from '../../models/dso.ts';
import { averageDaysLate, paydexIndex, weightedAverageDaysLate } from '../../models/payment-behaviour.ts';
import { cashAppliedRate, daysDeductionsOutstanding, keptRate } from '../../models/ratios.ts';
import { cohortLossRates, reserveFromRates, rollRate } from '../../models/reserve.ts';

const oneDecimal = (x: number | null) => (x === null ? null : Number(x.toFixed(1)));

describe('DSO family', () => {
  it('simple DSO: AR 150,000, annual credit sales 1,800,000, 365 days → 30.4', () => {
    expect(oneDecimal(simpleDso(150_000, 1_800_000, 365))).toBe(30.4);
  });

  it('countback with 30-day months: AR 212,000, sales 100,000 / 80,000 / 70,000 → 73.7', () => {
    const r = countbackDso(212_000, [
      { sales: 100_000, days: 30 },
      { sales: 80_000, days: 30 },
      { sales: 70_000, days: 30 },
    ]);
    expect(oneDecimal(r.days)).toBe(73.7);
    expect(r.exhausted).toBe(true);
  });

  it('countback with calendar days: AR 2,000 at 31 Jan, sales 200 / 400 / 600 / 700 / 500 → 129', () => {
    const r = countbackDso(2_000, [
      { sales: 200, days: 31 },
      { sales: 400, days: 31 },
      { sales: 600, days: 30 },
      { sales: 700, days: 31 },
      { sales: 500, days: 30 },
    ]);
    expect(r.days).toBeCloseTo(129, 10);
  });

  it('countback says when history runs out before AR is exhausted, and is 0 for no AR', () => {
    expect(countbackDso(1_000, [{ sales: 100, days: 31 }])).toEqual({ days: 31, exhausted: false });
    expect(countbackDso(0, [{ sales: 100, days: 31 }])).toEqual({ days: 0, exhausted: true });
  });

  it('DSO / BPDSO / ADD over 30 days: 15,000 / 4,000 / 10,000 → 45, 12, 33; 25,000 / 6,000 / 15,000 → 50, 12, 38', () => {
    const dso1 = simpleDso(15_000, 10_000, 30);
    const bp1 = bestPossibleDso(4_000, 10_000, 30);
    expect([dso1, bp1, averageDaysDelinquent(dso1, bp1)]).toEqual([45, 12, 33]);
    const dso2 = simpleDso(25_000, 15_000, 30);
    const bp2 = bestPossibleDso(6_000, 15_000, 30);
    expect([dso2, bp2, averageDaysDelinquent(dso2, bp2)]).toEqual([50, 12, 38]);
  });

  it("true DSO (Oracle's documented form) at 31 Mar: 11 × 0.25 + 44 × 0.20 = 11.55", () => {
    const value = trueDso([
      { ageDays: 11, openAmount: 50_000, monthSales: 200_000 },
      { ageDays: 44, openAmount: 30_000, monthSales: 150_000 },
    ]);
    expect(value).toBeCloseTo(11.55, 10);
  });

  it('returns null rather than a number when there are no sales', () => {
    expect(simpleDso(100, 0, 30)).toBeNull();
    expect(bestPossibleDso(100, -5, 30)).toBeNull();
  });
});

describe('CEI', () => {
  it('begin 6,200, Jan–Mar sales 10,890, end total 6,340, end current 3,590 → 55.9 % with N = 3, 79.6 % annual form', () => {
    expect(oneDecimal(cei(6_200, 10_890, 3, 6_340, 3_590))).toBe(55.9);
    expect(oneDecimal(cei(6_200, 10_890, 1, 6_340, 3_590))).toBe(79.6);
  });

  it('annual: begin 100,000, sales 1,000,000, end total 120,000, end current 100,000 → 98 %', () => {
    expect(cei(100_000, 1_000_000, 1, 120_000, 100_000)).toBeCloseTo(98, 10);
  });

  it('rejects a non-positive N', () => {
    expect(() => cei(1, 1, 0, 1, 1)).toThrow(RangeError);
  });
});

describe('payment behaviour', () => {
  it('9,000 paid 10 days late and 1,000 paid 30 days late → WADL 12.0, simple average 20.0', () => {
    const items = [
      { amount: 9_000, daysLate: 10 },
      { amount: 1_000, daysLate: 30 },
    ];
    expect(weightedAverageDaysLate(items)).toBeCloseTo(12.0, 10);
    expect(averageDaysLate(items)).toBeCloseTo(20.0, 10);
  });

  it('PAYDEX-like index follows the D&B scale and interpolates between its points', () => {
    expect([0, 15, 22, 30, 60, 90, 120].map(paydexIndex)).toEqual([80, 70, 60, 50, 40, 30, 20]);
    expect(paydexIndex(-30)).toBe(100);
    expect(paydexIndex(-60)).toBe(100);
    expect(paydexIndex(-15)).toBe(90);
    expect(paydexIndex(7.5)).toBe(75);
    expect(paydexIndex(18.5)).toBe(65);
    expect(paydexIndex(26)).toBe(55);
    expect(paydexIndex(45)).toBe(45);
    expect(paydexIndex(105)).toBe(25);
    expect(paydexIndex(500)).toBe(1);
    expect(paydexIndex(150)).toBeGreaterThan(1);
    expect(paydexIndex(150)).toBeLessThan(20);
  });
});

describe('reserves', () => {
  it('aging-schedule allowance: 560,000@1 % + 252,000@5 % + 4,000@10 % + 800@25 % + 11,200@50 % → 24,400', () => {
    expect(reserveFromRates([560_000, 252_000, 4_000, 800, 11_200], [0.01, 0.05, 0.1, 0.25, 0.5])).toBeCloseTo(24_400, 6);
  });

  it('IFRS 9 provision matrix from one cohort → 2.0 %, 4.0 %, 8.7 %, 25 %, 100 %, and 27,567 on year-end AR', () => {
    // January sales 100,000: 50,000 on time, 27,000 1–30 late, 15,000 31–60, 6,000 61–90, 2,000 never
    const reached = [100_000, 50_000, 23_000, 8_000, 2_000];
    const rates = cohortLossRates(reached, 2_000) as number[];
    expect(rates.map((r) => Number((r * 100).toFixed(1)))).toEqual([2.0, 4.0, 8.7, 25.0, 100.0]);
    expect(Math.round(reserveFromRates([300_000, 140_000, 60_000, 23_000, 5_000], rates))).toBe(27_567);
  });

  it('roll rate: 200,000 of 1,000,000 at 30–59 days rolls to 60–89 → 20 %', () => {
    expect(rollRate(1_000_000, 200_000)).toBeCloseTo(0.2, 10);
  });
});

describe('disputes, cash application, promises', () => {
  it('days deductions outstanding: 300,000 open / 10,000 resolved per day → 30', () => {
    expect(daysDeductionsOutstanding(300_000, 10_000)).toBe(30);
  });

  it('cash applied by value: 186.2m / 210.4m → 88.5 %; 6.984m / 7.180m → 97.3 %', () => {
    expect(oneDecimal(cashAppliedRate(186.2, 210.4))).toBe(88.5);
    expect(oneDecimal(cashAppliedRate(6.984, 7.18))).toBe(97.3);
    // 14.8m unapplied + 9.4m on account make up the rest of the receipts
    expect(186.2 + 14.8 + 9.4).toBeCloseTo(210.4, 10);
  });

  it('kept rate = kept / (kept + partially kept + broken)', () => {
    expect(keptRate(6, 2, 2)).toBe(60);
    expect(keptRate(0, 0, 0)).toBeNull();
  });
});

describe('bucket definitions', () => {
  it('labels the default buckets and assigns edges like the SQL', () => {
    expect(bucketDefs(parseBucketEdges(undefined)).map((b) => b.label)).toEqual(['current', '1-30', '31-60', '61-90', '91-120', '120+']);
    expect([0, 1, 30, 31, 60, 61, 90, 91, 120, 121].map((d) => bucketIndex(d, [0, 30, 60, 90, 120]))).toEqual([0, 1, 1, 2, 2, 3, 3, 4, 4, 5]);
  });

  it('rejects edges that do not start at 0 or do not increase, naming the field', () => {
    expect(() => parseBucketEdges('10,20')).toThrow(/first edge must be 0/);
    expect(() => parseBucketEdges('0,30,30')).toThrow(/strictly increase/);
    expect(() => parseBucketEdges('0,abc')).toThrow(/"abc"/);
  });
});
