/**
 * Persisted model tables: a model that does not depend on any parameter (e.g. int_item_segments, the
 * balance history of every item) can be stored as a table so per-request queries read it instead of
 * recomputing it from all ledger events. A table is trusted only while the fingerprint of the canonical
 * tables it was built from matches; otherwise it is rebuilt (whole, in one transaction) before use, so
 * results never depend on whether a pipeline run happened since the data changed.
 */
import { createHash } from 'node:crypto';
import type { Warehouse } from '../core/warehouse.ts';

/** Model name → the table holding its rows. */
export const PERSISTED_MODELS: Readonly<Record<string, string>> = { int_item_segments: 'item_balance_segments' };

/**
 * Storage order per persisted table: segments by valid_until, since a point-in-time read wants the few
 * segments still running at D (valid_until > D) and the closed past then sits in skippable row groups.
 */
export const PERSISTED_ORDER: Readonly<Record<string, string>> = { item_balance_segments: 'valid_until, valid_from' };

export interface PersistedSource {
  readonly model: string;
  readonly table: string;
  /** The model's SELECT compiled inline (dependencies as CTEs), without parameters. */
  readonly sql: string;
  /** Column list the table is stored sorted by. */
  readonly order?: string;
  /** Canonical tables the model reads. */
  readonly sources: readonly string[];
}

const IDENT = /^[a-z_][a-z0-9_]*$/;

/**
 * Per source table: row count, highest rowid (appends and delete-and-reload move it) and the sums of its
 * numeric and date columns (amount and date corrections change them). Aggregates DuckDB answers from
 * a vectorised scan of a few fixed-width columns: a fraction of the cost of hashing whole rows, and far
 * cheaper than rebuilding. A rewrite of only a text key (e.g. an application moved to another invoice
 * with the same amount and dates) is not detected; writers that do that call `invalidatePersisted`.
 * Rows appended inside a still-open transaction carry transaction-local row ids, so a stamp taken there
 * (the pipeline's publish transaction) stops matching once they are committed: the pipeline re-checks
 * the tables on the committed state right after it publishes.
 */
export async function sourceFingerprint(wh: Warehouse, sources: readonly string[]): Promise<string> {
  const names = [...new Set(sources)].sort();
  for (const n of names) if (!IDENT.test(n)) throw new Error(`bad source table name ${n}`);
  if (names.length === 0) return '';
  const cols = await wh.all<{ table_name: string; column_name: string; data_type: string }>(
    `select table_name, column_name, data_type from duckdb_columns()
     where schema_name = 'main' and list_contains(string_split($tables, ','), table_name)
       and (data_type like 'DECIMAL%' or data_type in ('DATE', 'INTEGER', 'BIGINT', 'DOUBLE'))
     order by table_name, column_index`,
    { tables: names.join(',') },
  );
  const parts = names.map((n) => {
    const aggs = cols
      .filter((c) => c.table_name === n && IDENT.test(c.column_name))
      .map((c) => `coalesce(sum(${c.data_type === 'DATE' ? `date_diff('day', date '2000-01-01', ${c.column_name})` : c.column_name}), 0)::varchar`);
    return `select '${n}' as t, concat_ws(':', count(*)::varchar, coalesce(max(rowid), -1)::varchar${aggs.map((a) => `, ${a}`).join('')}) as f from ${n}`;
  });
  const rows = await wh.all<{ t: string; f: string }>(parts.join(' union all '));
  return rows
    .sort((a, b) => a.t.localeCompare(b.t))
    .map((r) => `${r.t}=${r.f}`)
    .join('|');
}

/** Forces a rebuild on next use (for writers whose change the fingerprint cannot see). */
export async function invalidatePersisted(wh: Warehouse): Promise<void> {
  await wh.run('delete from model_table_state');
}

const inflight = new WeakMap<Warehouse, Map<string, Promise<void>>>();

async function refresh(wh: Warehouse, p: PersistedSource): Promise<void> {
  // the model's own text is part of the fingerprint, so a changed definition rebuilds after an upgrade
  const modelHash = createHash('sha256').update(`${p.sql}\n${p.order ?? ''}`).digest('hex').slice(0, 16);
  const fp = `${modelHash}|${await sourceFingerprint(wh, p.sources)}`;
  const state = await wh.one<{ fingerprint: string }>('select fingerprint from model_table_state where table_name = $1', [p.table]);
  if (state?.fingerprint === fp) return;
  await wh.transaction(async (conn) => {
    await conn.run(`delete from ${p.table}`);
    // stored in `order` so the zone maps of each row group let range lookups skip most of the table
    await conn.run(`insert into ${p.table} by name select * from (\n${p.sql}\n) order by ${p.order ?? 'all'}`);
    await conn.run('insert or replace into model_table_state (table_name, fingerprint) values ($1, $2)', [p.table, fp]);
  });
}

/**
 * Makes sure each persisted table is current. Concurrent callers on one warehouse share the check (the
 * summary fires several model queries at once), so the sources are fingerprinted once per burst.
 */
export async function ensurePersisted(wh: Warehouse, list: readonly PersistedSource[]): Promise<void> {
  let perWh = inflight.get(wh);
  if (!perWh) inflight.set(wh, (perWh = new Map()));
  const m = perWh;
  await Promise.all(
    list.map((p) => {
      const running = m.get(p.table);
      if (running) return running;
      const job = refresh(wh, p).finally(() => m.delete(p.table));
      m.set(p.table, job);
      return job;
    }),
  );
}
