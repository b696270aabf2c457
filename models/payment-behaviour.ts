/**
 * How a customer pays: days late, days to pay and a PAYDEX-like 1–100 index, all dollar-weighted
 * over closed items (closing date = the date the item's balance reached zero).
 */

export interface ClosedItem {
  readonly amount: number;
  /** closing date − due date (negative = paid early). */
  readonly daysLate: number;
}

/** Weighted average days late = Σ amount × days late / Σ amount. */
export function weightedAverageDaysLate(items: readonly ClosedItem[]): number | null {
  const total = items.reduce((s, i) => s + i.amount, 0);
  return total > 0 ? items.reduce((s, i) => s + i.amount * i.daysLate, 0) / total : null;
}

/** Average days late = unweighted mean of days late. */
export function averageDaysLate(items: readonly ClosedItem[]): number | null {
  return items.length ? items.reduce((s, i) => s + i.daysLate, 0) / items.length : null;
}

/**
 * D&B's published PAYDEX scale (days beyond terms → index): 100 pays ahead of terms, 80 prompt,
 * 70 = 15 days beyond, 60 = 22, 50 = 30, 40 = 60, 30 = 90, 20 = 120. Our convention for the open ends:
 * 100 is reached at 30 days ahead of terms, and past 120 days the index keeps the last slope
 * (10 points per 30 days) down to 1.
 */
export const PAYDEX_SCALE: readonly (readonly [days: number, index: number])[] = [
  [-30, 100],
  [0, 80],
  [15, 70],
  [22, 60],
  [30, 50],
  [60, 40],
  [90, 30],
  [120, 20],
  [177, 1],
];

export function paydexIndex(daysBeyondTerms: number): number {
  const first = PAYDEX_SCALE[0] as readonly [number, number];
  const last = PAYDEX_SCALE[PAYDEX_SCALE.length - 1] as readonly [number, number];
  if (daysBeyondTerms <= first[0]) return first[1];
  if (daysBeyondTerms >= last[0]) return last[1];
  for (let i = 1; i < PAYDEX_SCALE.length; i++) {
    const [d1, v1] = PAYDEX_SCALE[i] as readonly [number, number];
    const [d0, v0] = PAYDEX_SCALE[i - 1] as readonly [number, number];
    if (daysBeyondTerms <= d1) return v0 + ((daysBeyondTerms - d0) * (v1 - v0)) / (d1 - d0);
  }
  return last[1];
}
