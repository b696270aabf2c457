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
 * A miss remembers the write sequence number when it started; its answer is stored only if no write it
 * depends on landed since — otherwise it may have read the rows before that write. The requests waiting
 * for it still get it if they arrived before that write was acknowledged (they overlapped the write, so
 * either state is a correct answer for them); the others compute again.
 */
import type { DataStamp } from './data-version.ts';
import { StampedCache } from './stamped-cache.ts';

/** What an answer read that collector writes can change: tables, and for which customers. */
export interface Dependencies {
  readonly tables: readonly string[];
  readonly customers: readonly string[] | 'all';
}

export interface CachedResponse {
  readonly body: Buffer;
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

/** What a leader hands its waiters: its answer, and the first write since it started that could spoil it. */
interface Shared {
  readonly entry: CachedResponse;
  readonly spoiledBy: number;
}

interface Waiter {
  readonly promise: Promise<Shared | undefined>;
  readonly resolve: (shared: Shared | undefined) => void;
}

interface WriteRecord {
  readonly seq: number;
  readonly table: string;
  readonly customers: ReadonlySet<string> | null;
}

export interface ResponseCacheOptions {
  readonly maxEntries?: number;
  readonly maxBytes?: number;
}

/** Writes remembered for checking misses in flight; a miss older than the oldest one kept is not stored. */
const WRITE_LOG = 10_000;

export class ResponseCache {
  private readonly entries: StampedCache<CachedResponse>;
  private readonly waiters = new Map<string, Waiter>();
  private writeSeq = 0;
  private readonly writes: WriteRecord[] = [];

  constructor(options: ResponseCacheOptions = {}) {
    this.entries = new StampedCache<CachedResponse>({
      max: options.maxEntries ?? 5000,
      maxSize: options.maxBytes ?? 64 * 1024 * 1024,
      sizeOf: (e) => e.body.byteLength + 200,
    });
  }

  get(stamp: DataStamp, key: string): CachedResponse | undefined {
    return this.entries.get(stamp.seq, stamp.data, key);
  }

  /**
   * The answer another request is computing for this key, if one is, once it is ready — undefined when it
   * failed or when a write the caller must see landed before the caller arrived.
   */
  async shared(stamp: DataStamp, key: string): Promise<CachedResponse | undefined> {
    const joined = this.writeSeq;
    for (;;) {
      const waiter = this.waiters.get(`${stamp.data}\u0000${key}`);
      if (!waiter) return undefined;
      const shared = await waiter.promise;
      if (shared && shared.spoiledBy > joined) return shared.entry;
      if (shared) return undefined;
    }
  }

  /** This request computes the answer; later ones with the same key wait for it. */
  lead(stamp: DataStamp, key: string): Slot {
    const id = `${stamp.data}\u0000${key}`;
    if (!this.waiters.has(id)) {
      let resolve!: (s: Shared | undefined) => void;
      const promise = new Promise<Shared | undefined>((r) => (resolve = r));
      this.waiters.set(id, { promise, resolve });
    }
    return { stamp, key, startSeq: this.writeSeq, settled: false };
  }

  /** Stores the answer of a miss (unless a write it depends on landed meanwhile) and releases its waiters. */
  store(slot: Slot, entry: CachedResponse): boolean {
    const spoiledBy = this.firstWriteAffecting(entry.deps, slot.startSeq);
    const fresh = spoiledBy === Infinity;
    if (fresh) this.entries.set(slot.stamp.seq, slot.stamp.data, slot.key, entry);
    this.release(slot, { entry, spoiledBy });
    return fresh;
  }

  /** Ends a miss without an answer to share (an error, a non-200, an aborted request): waiters compute. */
  release(slot: Slot, shared?: Shared): void {
    if (slot.settled) return;
    slot.settled = true;
    const id = `${slot.stamp.data}\u0000${slot.key}`;
    const waiter = this.waiters.get(id);
    if (!waiter) return;
    this.waiters.delete(id);
    waiter.resolve(shared);
  }

  /**
   * A collector write changed `table` for these customers ('all' when unknown). Called before the write's
   * response leaves, after its commit: every answer that may include the old rows goes.
   */
  invalidate(table: string, customers: readonly string[] | 'all'): void {
    const write: WriteRecord = { seq: ++this.writeSeq, table, customers: customers === 'all' ? null : new Set(customers) };
    this.writes.push(write);
    if (this.writes.length > WRITE_LOG) this.writes.splice(0, this.writes.length - WRITE_LOG);
    this.entries.deleteWhere((e) => affects(write, e.deps));
  }

  /** Sequence number of the first write after `since` that changes what `deps` read (Infinity: none). */
  private firstWriteAffecting(deps: Dependencies, since: number): number {
    const oldest = this.writes[0];
    if (oldest && oldest.seq > since + 1) return oldest.seq; // writes since then were forgotten: assume the worst
    for (const w of this.writes) if (w.seq > since && affects(w, deps)) return w.seq;
    return Infinity;
  }

  get size(): number {
    return this.entries.size;
  }
}

function affects(write: WriteRecord, deps: Dependencies): boolean {
  if (!deps.tables.includes(write.table)) return false;
  const touched = write.customers;
  return touched === null || deps.customers === 'all' || deps.customers.some((c) => touched.has(c));
}
