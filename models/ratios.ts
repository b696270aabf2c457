/** Small AR ratios of metrics.md that are one division each, named so nobody re-derives them. */

/** Days deductions outstanding = open deductions / deductions resolved per day. */
export function daysDeductionsOutstanding(openDeductions: number, resolvedPerDay: number): number | null {
  return resolvedPerDay > 0 ? openDeductions / resolvedPerDay : null;
}

/** Cash applied rate (by value or count) = applied receipts / total receipts, in percent. */
export function cashAppliedRate(applied: number, total: number): number | null {
  return total > 0 ? (applied / total) * 100 : null;
}

/** Kept rate of promises = kept / (kept + partially kept + broken), in percent. */
export function keptRate(kept: number, partiallyKept: number, broken: number): number | null {
  const due = kept + partiallyKept + broken;
  return due > 0 ? (kept / due) * 100 : null;
}
