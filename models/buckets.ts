/**
 * Aging buckets are described by ascending edges: [0, 30, 60, 90, 120] means current (age ≤ 0),
 * 1–30, 31–60, 61–90, 91–120 and 120+. The SQL (mart_open_items) assigns the same indexes.
 */
import { ArIntelError } from '../core/errors.ts';

export const DEFAULT_BUCKET_EDGES: readonly number[] = [0, 30, 60, 90, 120];

export interface BucketDef {
  readonly index: number;
  readonly label: string;
  readonly minDays: number | null;
  readonly maxDays: number | null;
}

/** Parses "0,30,60,90,120"; the list must start at 0 and strictly increase. */
export function parseBucketEdges(text: string | undefined, field = 'buckets'): number[] {
  if (text === undefined || text.trim() === '') return [...DEFAULT_BUCKET_EDGES];
  const parts = text.split(',').map((p) => p.trim());
  const edges = parts.map((p) => (/^\d{1,5}$/.test(p) ? Number(p) : Number.NaN));
  const bad = parts.find((_, i) => Number.isNaN(edges[i]));
  if (bad !== undefined) throw new ArIntelError('VALIDATION', `${field}: "${bad}" is not a whole number of days`, { field });
  if (edges[0] !== 0) throw new ArIntelError('VALIDATION', `${field}: the first edge must be 0 (current = not yet due)`, { field });
  for (let i = 1; i < edges.length; i++) {
    if ((edges[i] as number) <= (edges[i - 1] as number)) {
      throw new ArIntelError('VALIDATION', `${field}: edges must strictly increase, got ${text}`, { field });
    }
  }
  if (edges.length > 20) throw new ArIntelError('VALIDATION', `${field}: at most 20 edges`, { field });
  return edges;
}

export function bucketDefs(edges: readonly number[]): BucketDef[] {
  const defs: BucketDef[] = [{ index: 0, label: 'current', minDays: null, maxDays: 0 }];
  for (let k = 0; k < edges.length; k++) {
    const lo = (edges[k] as number) + 1;
    const next = edges[k + 1];
    defs.push(
      next === undefined
        ? { index: k + 1, label: `${edges[k]}+`, minDays: lo, maxDays: null }
        : { index: k + 1, label: `${lo}-${next}`, minDays: lo, maxDays: next },
    );
  }
  return defs;
}

/** Same rule as the SQL, for the pure side (tests, reserves). */
export function bucketIndex(ageDays: number, edges: readonly number[]): number {
  if (ageDays <= 0) return 0;
  return edges.filter((e) => e < ageDays).length;
}
