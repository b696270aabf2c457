/**
 * Finished responses of read routes, per warehouse state (DataStamp.data), with two refinements that keep
 * hot pages cached while collectors write:
 *
 * - Targeted invalidation. A collector's activity, promise or dispute changes a few rows of one table for
 *   one customer; only answers that read that table for that customer are dropped (a worklist page lists
 *   its customers, a customer 360 its one customer, the summary reads disputes for everyone).
 * - Single flight. Concurrent misses for the same answer wait for the first one instead of running the
 *   same query N times.
 *
 * A miss remembers the write sequence number when it started; its answer is stored (and handed to the
 * requests waiting for it) only if no write it depends on landed since — otherwise it may have read the
 * rows before that write, and the next request recomputes.
 */
import type { DataStamp } from './data-version.ts';
import { StampedCache } from './stamped-cache.ts';

/** What an answer read that collector writes can change: tables, and for which customers. */
export interface Dependencies {
  readonly tables: readonly string[];
  readonly customers: readonly string[] | 'all';
}

export interface CachedResponse {
  readonly body: string | Buffer;
  readonly contentType: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly deps: Dependencies;
}

/** A miss being computed: where its answer goes and what may spoil it. */
export interface Slot {
  readonly stamp: DataStamp;
  readonly key: string;
  readonly startSeq: number;
  settled: boolean;
}

interface Waiter {
  readonly promise: Promise<CachedResponse | undefined>;
  readonly resolve: (entry: CachedResponse | undefined) => void;
}

export interface ResponseCacheOptions {
  readonly maxEntries?: number;
  readonly maxBytes?: number;
}

const ALL = '\u0000all';

export class ResponseCache {
  private readonly entries: StampedCache<CachedResponse>;
  private readonly waiters = new Map<string, Waiter>();
  private writeSeq = 0;
  /** Last write sequence per `table customer` and per `table ALL` (a write whose customers are unknown). */
  private readonly lastWrite = new Map<string, number>();
  /** Last write sequence per table, whatever the customer: what an answer over every customer checks. */
  private readonly lastTableWrite = new Map<string, number>();

  constructor(options: ResponseCacheOptions = {}) {
    this.entries = new StampedCache<CachedResponse>({
      max: options.maxEntries ?? 5000,
      maxSize: options.maxBytes ?? 64 * 1024 * 1024,
      sizeOf: (e) => (typeof e.body === 'string' ? Buffer.byteLength(e.body) : e.body.byteLength) + 200,
    });
  }

  get(stamp: DataStamp, key: string): CachedResponse | undefined {
    return this.entries.get(stamp.seq, stamp.data, key);
  }

  /** The answer another request is computing for this key, if any. */
  inFlight(stamp: DataStamp, key: string): Promise<CachedResponse | undefined> | undefined {
    return this.waiters.get(`${stamp.data}\u0000${key}`)?.promise;
  }

  /** This request computes the answer; later ones with the same key wait for it. */
  lead(stamp: DataStamp, key: string): Slot {
    const id = `${stamp.data}\u0000${key}`;
    if (!this.waiters.has(id)) {
      let resolve!: (e: CachedResponse | undefined) => void;
      const promise = new Promise<CachedResponse | undefined>((r) => (resolve = r));
      this.waiters.set(id, { promise, resolve });
    }
    return { stamp, key, startSeq: this.writeSeq, settled: false };
  }

  /** Stores the answer of a miss (unless a write it depends on landed meanwhile) and releases its waiters. */
  store(slot: Slot, entry: CachedResponse): boolean {
    const fresh = this.unspoiled(entry.deps, slot.startSeq);
    if (fresh) this.entries.set(slot.stamp.seq, slot.stamp.data, slot.key, entry);
    this.release(slot, fresh ? entry : undefined);
    return fresh;
  }

  /** Ends a miss without an answer to share (an error, a non-200, an aborted request): waiters compute. */
  release(slot: Slot, entry?: CachedResponse): void {
    if (slot.settled) return;
    slot.settled = true;
    const id = `${slot.stamp.data}\u0000${slot.key}`;
    const waiter = this.waiters.get(id);
    if (!waiter) return;
    this.waiters.delete(id);
    waiter.resolve(entry);
  }

  /**
   * A collector write changed `table` for these customers ('all' when unknown). Called before the write's
   * response leaves, after its commit: every answer that may include the old rows goes.
   */
  invalidate(table: string, customers: readonly string[] | 'all'): void {
    const seq = ++this.writeSeq;
    this.lastTableWrite.set(table, seq);
    const touched = customers === 'all' ? null : new Set(customers);
    if (touched) for (const c of touched) this.lastWrite.set(`${table}\u0000${c}`, seq);
    else this.lastWrite.set(`${table}\u0000${ALL}`, seq);
    this.entries.deleteWhere(
      (e) => e.deps.tables.includes(table) && (touched === null || e.deps.customers === 'all' || e.deps.customers.some((c) => touched.has(c))),
    );
  }

  private unspoiled(deps: Dependencies, since: number): boolean {
    for (const table of deps.tables) {
      if (deps.customers === 'all') {
        if ((this.lastTableWrite.get(table) ?? 0) > since) return false;
        continue;
      }
      if ((this.lastWrite.get(`${table}\u0000${ALL}`) ?? 0) > since) return false;
      for (const c of deps.customers) if ((this.lastWrite.get(`${table}\u0000${c}`) ?? 0) > since) return false;
    }
    return true;
  }

  get size(): number {
    return this.entries.size;
  }
}
