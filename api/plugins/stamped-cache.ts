/**
 * An LRU cache valid for one state of the warehouse (one DataStamp component). A stamp with different
 * content and a later seq means the state moved on: everything cached is dropped at once. A stamp from an
 * older state than the one held (a slow request that read the version before a publish) neither reads nor
 * writes, so an answer computed from old data can never be stored for the new state.
 */
import { LRUCache } from 'lru-cache';

export interface StampedCacheOptions<V> {
  readonly max: number;
  /** Bound on the sum of sizeOf(value); needs sizeOf. */
  readonly maxSize?: number;
  readonly sizeOf?: (value: V) => number;
}

export class StampedCache<V extends NonNullable<unknown>> {
  private readonly lru: LRUCache<string, V>;
  private seq = -1;
  private content: string | undefined;

  constructor(options: StampedCacheOptions<V>) {
    const sizeOf = options.sizeOf;
    this.lru = new LRUCache<string, V>({
      max: options.max,
      ...(options.maxSize !== undefined && sizeOf ? { maxSize: options.maxSize, sizeCalculation: (v: V) => Math.max(1, sizeOf(v)) } : {}),
    });
  }

  /** True when (seq, content) is the state the cache holds, advancing to it (and clearing) when it is newer. */
  private holds(seq: number, content: string): boolean {
    if (content === this.content) {
      if (seq > this.seq) this.seq = seq;
      return true;
    }
    if (seq <= this.seq) return false;
    this.lru.clear();
    this.content = content;
    this.seq = seq;
    return true;
  }

  get(seq: number, content: string, key: string): V | undefined {
    return this.holds(seq, content) ? this.lru.get(key) : undefined;
  }

  set(seq: number, content: string, key: string, value: V): void {
    if (this.holds(seq, content)) this.lru.set(key, value);
  }

  /** Drops the entries `pick` selects: a targeted invalidation within the state the cache holds. */
  deleteWhere(pick: (value: V) => boolean): number {
    const doomed: string[] = [];
    for (const [key, value] of this.lru.entries()) if (pick(value)) doomed.push(key);
    for (const key of doomed) this.lru.delete(key);
    return doomed.length;
  }

  get size(): number {
    return this.lru.size;
  }
}
