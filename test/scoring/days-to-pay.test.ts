import { describe, expect, it } from 'vitest';
import { daysLateDistribution, widenBand } from '../../scoring/days-to-pay.ts';
import { outcomeAt } from '../../scoring/outcomes.ts';
import type { InvoiceFeatureRow } from '../../scoring/features/load.ts';

const params = { priorWeight: 1, decay: 1, maxHistory: 24, widen: 1 };

describe('days-to-pay distribution', () => {
  it('follows a consistent customer and shrinks a thin history towards its segment', () => {
    const pool = Array.from({ length: 100 }, (_, i) => i % 10).sort((a, b) => a - b);
    const steady = daysLateDistribution(Array.from({ length: 20 }, () => 20), pool, -30, params);
    expect(steady.p50).toBe(20);
    expect(steady.pLate).toBeGreaterThan(0.9);
    const thin = daysLateDistribution([20], pool, -30, params);
    // one invoice weighs as much as the whole segment prior here
    expect(thin.ownWeight).toBe(1);
    expect(thin.pLate).toBeCloseTo(1 / 2 + (0.9 * 1) / 2, 10);
  });

  it('conditions on the invoice still being open: never predicts a payment before the as-of date', () => {
    const pool = [-5, 0, 2, 5, 10, 40, 90].sort((a, b) => a - b);
    const d = daysLateDistribution([0, 2, 5], pool, 15, params);
    expect(d.p10).toBeGreaterThanOrEqual(15);
    expect(d.p50).toBeGreaterThanOrEqual(15);
    expect(d.pLate).toBe(1);
    const beyond = daysLateDistribution([0, 2], pool, 200, params);
    expect(beyond.p10).toBe(200);
    expect(beyond.p90).toBeGreaterThan(beyond.p50);
  });

  it('widens the band around the median without crossing the earliest possible day', () => {
    expect(widenBand({ raw10: 5, p50: 10, raw90: 20, minDaysLate: 0 }, 2)).toEqual({ p10: 0, p90: 30 });
    expect(widenBand({ raw10: 5, p50: 10, raw90: 20, minDaysLate: 8 }, 1)).toEqual({ p10: 8, p90: 20 });
  });
});

describe('outcomes as known at a cutoff', () => {
  const row = (close: string | null, wo: string | null): InvoiceFeatureRow =>
    ({ invoiceDate: '2025-01-01', dueDate: '2025-01-31', outcomeCloseDate: close, outcomeFirstWoDate: wo }) as unknown as InvoiceFeatureRow;

  it('hides closings after the cutoff and decides lateness from the due date', () => {
    expect(outcomeAt(row('2025-02-10', null), '2025-03-31')).toMatchObject({ late: 1, late30: 0, daysLate: 10, daysToPay: 40 });
    // paid on 10 Feb, but at 5 Feb that is unknown: late already decided, late30 not yet
    expect(outcomeAt(row('2025-02-10', null), '2025-02-05')).toMatchObject({ late: 1, late30: null, daysLate: null });
    expect(outcomeAt(row('2025-01-28', null), '2025-01-25')).toMatchObject({ late: null, late30: null, daysToPay: null });
    expect(outcomeAt(row('2025-01-20', null), '2025-01-25')).toMatchObject({ late: 0, late30: 0, daysLate: -11 });
    expect(outcomeAt(row('2025-06-01', '2025-06-01'), '2025-07-01')).toMatchObject({ late: 1, late30: 1, writtenOff: 1, daysToPay: null });
  });
});
