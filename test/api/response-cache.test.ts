import { describe, expect, it } from 'vitest';
import type { Warehouse } from '../../core/warehouse.ts';
import { DataVersion, type DataStamp } from '../../api/plugins/data-version.ts';
import { ResponseCache, type CachedResponse } from '../../api/plugins/response-cache.ts';

const stamp = (seq: number, data = 'run1'): DataStamp => ({ seq, data, keys: '1:0' });
const answer = (text: string, customers: string[] | 'all' = ['C1']): CachedResponse => ({
  body: Buffer.from(text),
  contentType: 'application/json',
  headers: {},
  deps: { tables: ['activities'], customers },
});

describe('ResponseCache', () => {
  it('does not store a miss that a write it depends on overtook, but keeps unrelated ones', () => {
    const cache = new ResponseCache();
    const s = stamp(1);
    const spoiled = cache.lead(s, 'c1');
    const unrelated = cache.lead(s, 'c2');
    cache.invalidate('activities', ['C1']);
    expect(cache.store(spoiled, answer('old C1', ['C1']))).toBe(false);
    expect(cache.store(unrelated, answer('C2', ['C2']))).toBe(true);
    expect(cache.get(s, 'c1')).toBeUndefined();
    expect(cache.get(s, 'c2')?.body.toString()).toBe('C2');
    // a write whose customers are unknown spoils every answer reading the table
    const any = cache.lead(s, 'c3');
    cache.invalidate('activities', 'all');
    expect(cache.store(any, answer('C3', ['C3']))).toBe(false);
    expect(cache.get(s, 'c2')).toBeUndefined();
  });

  it('hands a spoiled answer only to waiters that arrived before the write', async () => {
    const cache = new ResponseCache();
    const s = stamp(1);
    const slot = cache.lead(s, 'k');
    const early = cache.shared(s, 'k');
    cache.invalidate('activities', ['C1']);
    const late = cache.shared(s, 'k');
    cache.store(slot, answer('before the write'));
    expect((await early)?.body.toString()).toBe('before the write');
    expect(await late).toBeUndefined();
  });

  it('drops everything for a newer state and ignores answers computed for an older one', () => {
    const cache = new ResponseCache();
    const old = cache.lead(stamp(1, 'run1'), 'k');
    cache.store(cache.lead(stamp(2, 'run1'), 'x'), answer('x'));
    expect(cache.get(stamp(3, 'run2'), 'x')).toBeUndefined();
    expect(cache.store(old, answer('from run 1'))).toBe(true); // shared with its waiters, but not kept:
    expect(cache.get(stamp(3, 'run2'), 'k')).toBeUndefined();
    expect(cache.get(stamp(1, 'run1'), 'k')).toBeUndefined();
  });
});

describe('DataVersion', () => {
  function countingWarehouse() {
    let published = 1;
    let queries = 0;
    let release: () => void = () => undefined;
    const statement = {
      async runAndReadAll() {
        queries++;
        const seen = published;
        await new Promise<void>((r) => (release = r));
        return { getRowObjectsJson: () => [{ published: String(seen), finished: String(seen), keys: '1', revoked: '0' }] };
      },
    };
    const wh = {
      async connect() {
        return { prepare: async () => statement, closeSync: () => undefined };
      },
    } as unknown as Warehouse;
    const until = async (n: number) => {
      while (queries < n) await new Promise((r) => setTimeout(r, 1));
    };
    return { wh, publish: () => published++, queries: () => queries, release: () => release(), until };
  }

  it('coalesces concurrent callers but never answers one from a read that started before it asked', async () => {
    const fake = countingWarehouse();
    const version = new DataVersion(fake.wh);
    const a = version.current();
    const b = version.current(); // arrives while the first read is in flight: waits for the next one
    const c = version.current();
    await fake.until(1);
    fake.publish();
    version.bump();
    fake.release();
    const first = await a;
    await fake.until(2);
    fake.release();
    const [second, third] = await Promise.all([b, c]);
    expect(fake.queries()).toBe(2);
    expect(first.data).toBe('1:1:0');
    expect(second.data).toBe('2:2:1');
    expect(third).toEqual(second);
    expect(second.seq).toBeGreaterThan(first.seq);
  });
});
