/**
 * Upsert by natural key, set-wise: rows whose key is new are inserted, rows identical to what is stored
 * are counted as duplicates and left alone (they keep pointing at the load that brought them), rows that
 * differ are updated. Columns a file does not carry are left as stored, so a slimmer re-export does not
 * blank out data it never had.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { ident } from './checks.ts';

export interface MergeSpec {
  /** Warehouse table written to. */
  table: string;
  /** Natural key columns (warehouse names). */
  key: readonly string[];
  /** Non-key columns the source provides (warehouse names). */
  columns: readonly string[];
  /** Temp table holding the typed rows: key + columns + __line. */
  source: string;
  /** Where the rows came from (load_runs.file_name) and the run writing them. */
  fileName: string;
  loadRunId: string;
}

export interface MergeCounts {
  inserted: number;
  updated: number;
  same: number;
}

export async function mergeInto(conn: DuckDBConnection, m: MergeSpec): Promise<MergeCounts> {
  const t = ident(m.table);
  const keyMatch = m.key.map((k) => `t.${ident(k)} = s.${ident(k)}`).join(' and ');
  const sameExpr =
    m.columns.length === 0 ? 'true' : m.columns.map((c) => `t.${ident(c)} is not distinct from s.${ident(c)}`).join(' and ');
  const cls = `${m.source}_cls`;
  await conn.run(
    `create or replace temp table ${cls} as
     select s.*, case when t.${ident(m.key[0] ?? '')} is null then 'new' when ${sameExpr} then 'same' else 'changed' end as __cls
     from ${m.source} s left join ${t} t on ${keyMatch}`,
  );
  const counts = (await conn.runAndReadAll(`select __cls, count(*)::integer as n from ${cls} group by __cls`))
    .getRowObjectsJson() as { __cls: string; n: number }[];
  const n = (c: string) => Number(counts.find((r) => r.__cls === c)?.n ?? 0);
  const all = [...m.key, ...m.columns];
  if (n('new') > 0) {
    await conn.run(
      `insert into ${t} (${all.map(ident).join(', ')}, source_file, source_line, load_run_id)
       select ${all.map((c) => `s.${ident(c)}`).join(', ')}, $1, s.__line, $2::bigint
       from ${cls} s where s.__cls = 'new' order by s.__line`,
      [m.fileName, m.loadRunId],
    );
  }
  if (n('changed') > 0) {
    const sets = [...m.columns.map((c) => `${ident(c)} = s.${ident(c)}`), 'source_file = $1', 'source_line = s.__line', 'load_run_id = $2::bigint'];
    await conn.run(
      `update ${t} as t set ${sets.join(', ')} from ${cls} s where s.__cls = 'changed' and ${keyMatch}`,
      [m.fileName, m.loadRunId],
    );
  }
  await conn.run(`drop table ${cls}`);
  return { inserted: n('new'), updated: n('changed'), same: n('same') };
}

/** Length-prefixed so different (payment, item) pairs can never produce the same id. */
export function importedApplicationIdSql(payment: string, invoice: string, creditNote: string): string {
  return `('imp:' || length(${payment}) || ':' || ${payment} || ':' || coalesce('inv:' || ${invoice}, 'cn:' || ${creditNote}))`;
}
