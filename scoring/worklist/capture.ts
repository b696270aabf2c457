/** Late amount held by the top `share` of candidates when ranked by `key` (ties broken by input order). */
export function captureAtTop<T extends { late: number }>(candidates: readonly T[], key: (c: T) => number, share: number): number {
  const n = Math.max(1, Math.round(candidates.length * share));
  return [...candidates]
    .map((c, i) => ({ c, i, k: key(c) }))
    .sort((a, b) => b.k - a.k || a.i - b.i)
    .slice(0, n)
    .reduce((a, x) => a + x.c.late, 0);
}
