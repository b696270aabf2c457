/**
 * Reason codes: the three features that move a score most (by their contribution to the log-odds),
 * each with its direction and size in words, e.g. "pays on average 18 days late over the last 6 months
 * (raises the risk strongly)".
 */
import { FEATURES, type EnrichedRow } from './features/vector.ts';

export interface Reason {
  readonly factor: string;
  readonly direction: 'increases_risk' | 'decreases_risk';
  /** Contribution to the log-odds of the target. */
  readonly impact: number;
  readonly size: 'strongly' | 'moderately' | 'slightly';
  readonly text: string;
}

export function sizeWord(impact: number): Reason['size'] {
  const a = Math.abs(impact);
  return a >= 1 ? 'strongly' : a >= 0.35 ? 'moderately' : 'slightly';
}

/**
 * @param leaning +1 when the score says "risky" (reasons that raise the risk come first), −1 when it says
 *   "safe" (reasons that lower it come first), 0 for strongest-first regardless of direction.
 */
export function topReasons(e: EnrichedRow, contributions: readonly number[], n = 3, leaning: -1 | 0 | 1 = 0): Reason[] {
  const agrees = (c: number) => (leaning === 0 || Math.sign(c) === leaning ? 1 : 0);
  return contributions
    .map((c, j) => ({ c, j }))
    .filter(({ c }) => Math.abs(c) > 1e-6)
    .sort((a, b) => agrees(b.c) - agrees(a.c) || Math.abs(b.c) - Math.abs(a.c) || a.j - b.j)
    .slice(0, n)
    .map(({ c, j }) => {
      const f = FEATURES[j] as (typeof FEATURES)[number];
      const direction = c > 0 ? 'increases_risk' : 'decreases_risk';
      const size = sizeWord(c);
      return {
        factor: f.name,
        direction,
        impact: Math.round(c * 1000) / 1000,
        size,
        text: `${f.describe(e)} (${c > 0 ? 'raises' : 'lowers'} the risk ${size})`,
      };
    });
}

/** A reason stated as a fact rather than a model contribution (e.g. "already 40 days past due"). */
export function factReason(factor: string, text: string): Reason {
  return { factor, direction: 'increases_risk', impact: 0, size: 'strongly', text };
}
