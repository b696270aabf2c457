import { describe, expect, it } from 'vitest';
import { decide, newCustomerScore, recommendedLimit, recommendedTerms } from '../../scoring/credit.ts';
import { paydexScore, riskClass } from '../../scoring/customer-risk.ts';
import { summariseBadDebt } from '../../scoring/bad-debt.ts';

describe('PAYDEX-like customer score and classes', () => {
  it('follows the scale of metrics.md', () => {
    expect(paydexScore(-30)).toBe(100);
    expect(paydexScore(0)).toBe(80);
    expect(paydexScore(15)).toBe(70);
    expect(paydexScore(22)).toBe(60);
    expect(paydexScore(30)).toBe(50);
    expect(paydexScore(45)).toBe(45);
    expect(paydexScore(60)).toBe(40);
    expect(paydexScore(90)).toBe(30);
    expect(paydexScore(120)).toBe(20);
    expect(paydexScore(500)).toBe(1);
  });

  it('has non-overlapping class ranges', () => {
    expect([100, 80, 79, 70, 69, 60, 59, 50, 49, 0].map(riskClass)).toEqual(['A', 'A', 'B', 'B', 'C', 'C', 'D', 'D', 'E', 'E']);
  });
});

describe('new-customer rule', () => {
  it('is conservative: never class A, penalises unknowns and bad references', () => {
    const best = newCustomerScore({ priorDaysBeyondTerms: -30, yearsInBusiness: 20, bureauScore: 100, tradeReferences: [{ paysOnTime: true }, { paysOnTime: true }, { paysOnTime: true }, { paysOnTime: true }] });
    expect(best.score).toBeLessThanOrEqual(75);
    expect(riskClass(best.score)).toBe('B');
    const unknown = newCustomerScore({ priorDaysBeyondTerms: 0 });
    expect(unknown.score).toBe(65);
    const bad = newCustomerScore({ priorDaysBeyondTerms: 0, yearsInBusiness: 1, tradeReferences: [{ paysOnTime: false }, { paysOnTime: false }] });
    expect(bad.score).toBe(70 - 10 - 20);
    expect(bad.reasons.join(' ')).toContain('2 trade references report late payment');
  });
});

describe('credit limit, terms and decision', () => {
  it('averages the 10% rules of thumb, applies class and starter factors and the 10% seller cap', () => {
    const r = recommendedLimit({ riskClass: 'B', newCustomer: true, netWorth: 100_000_000n, workingCapital: 50_000_000n, monthlyPurchases: 30_000_000n, sellerAnnualSales: 10_000_000_000n });
    // avg(10,000,000; 5,000,000; 3,000,000 cents) = 6,000,000 cents × 0.8 × 0.5 = 2,400,000 cents = 24,000.00
    expect(r.limit).toBe(2_400_000n);
    const capped = recommendedLimit({ riskClass: 'A', newCustomer: false, limitOnFile: 50_000_000n, sellerAnnualSales: 100_000_000n });
    expect(capped.limit).toBe(10_000_000n);
    expect(recommendedLimit({ riskClass: 'E', newCustomer: false, limitOnFile: 50_000_000n, sellerAnnualSales: 0n }).limit).toBe(0n);
    expect(recommendedTerms('A', 60, false)).toBe(60);
    expect(recommendedTerms('C', 60, false)).toBe(30);
    expect(recommendedTerms('E', 60, false)).toBe(0);
    expect(recommendedTerms('A', 60, true)).toBe(30);
  });

  it('approves within the limit, reviews above it, declines far above it or for class E', () => {
    const base = { riskClass: 'B' as const, newCustomer: false, limit: 1_000_000n, proposedOrder: 100_000n, maxDaysPastDue: 5 };
    expect(decide({ ...base, exposure: 900_000n }).decision).toBe('approve');
    expect(decide({ ...base, exposure: 1_100_000n }).decision).toBe('review');
    expect(decide({ ...base, exposure: 1_300_000n }).decision).toBe('decline');
    expect(decide({ ...base, riskClass: 'E', exposure: 100_000n }).decision).toBe('decline');
    expect(decide({ ...base, exposure: 100_000n, maxDaysPastDue: 75 }).decision).toBe('review');
  });
});

describe('bad-debt summary', () => {
  it('sums exact cents per currency by segment, class and month', () => {
    const rows = [
      { invoiceId: 'a', customerId: 'c1', segment: 'smb', riskClass: 'E', currency: 'USD', openAmount: '100.00', expectedLoss: '30.10', pWriteOff: 0.301, month: '2025-11' },
      { invoiceId: 'b', customerId: 'c1', segment: 'smb', riskClass: 'E', currency: 'USD', openAmount: '0.30', expectedLoss: '0.20', pWriteOff: 0.7, month: '2025-12' },
      { invoiceId: 'c', customerId: 'c2', segment: 'ent', riskClass: 'A', currency: 'EUR', openAmount: '50.00', expectedLoss: '0.05', pWriteOff: 0.001, month: '2025-11' },
    ];
    const f = summariseBadDebt('2025-10-31', rows);
    expect(f.total).toEqual([
      { key: 'all', currency: 'EUR', invoices: 1, openAmount: '50.00', expectedLoss: '0.05' },
      { key: 'all', currency: 'USD', invoices: 2, openAmount: '100.30', expectedLoss: '30.30' },
    ]);
    expect(f.bySegment.find((g) => g.key === 'smb')?.expectedLoss).toBe('30.30');
    expect(f.byMonth.filter((g) => g.key === '2025-11').length).toBe(2);
    expect(f.byRiskClass.map((g) => g.key)).toEqual(['A', 'E']);
  });
});
