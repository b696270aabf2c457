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
  /** Temp table (or parenthesised query) with the typed rows: key + columns + __line. */
  source: string;
  /** Where the rows came from (load_runs.file_name) and the run writing them. */
  fileName: string;
  loadRunId: string;
  /**
   * Extra condition (over source alias s) a stored row must meet to count as unchanged, for records
   * other records are derived from (an invoice whose paid_date changed is not a duplicate).
   */
  alsoSame?: string;
  /** Columns set to the same value on every row (bound as parameters), e.g. payments.source. */
  constants?: Readonly<Record<string, string>>;
}

export interface MergeCounts {
  inserted: number;
  updated: number;
  same: number;
}

export async function mergeInto(conn: DuckDBConnection, m: MergeSpec): Promise<MergeCounts> {
  const t = ident(m.table);
  const constNames = Object.keys(m.constants ?? {});
  const constValues = Object.values(m.constants ?? {});
  // Value of a column from the source row, or its bound constant ($ numbering starts after `offset`).
  const val = (c: string, offset: number) => {
    const k = constNames.indexOf(c);
    return k === -1 ? `s.${ident(c)}` : `$${offset + k + 1}::varchar`;
  };
  const columns = [...m.columns, ...constNames];
  const keyMatch = m.key.map((k) => `t.${ident(k)} = s.${ident(k)}`).join(' and ');
  const sameExpr = (offset: number) =>
    [
      ...columns.map((c) => `t.${ident(c)} is not distinct from ${val(c, offset)}`),
      ...(m.alsoSame ? [`(${m.alsoSame})`] : []),
    ].join(' and ') || 'true';
  let same = 0;
  let updated = 0;
  // An empty table (first load, benchmarks) needs no comparison at all.
  const tableHasRows = one(await conn.runAndReadAll(`select exists (select 1 from ${t}) as x`)).x === true;
  if (tableHasRows) {
    const c = one(
      await conn.runAndReadAll(
        `select count(*) filter (where ${sameExpr(0)})::integer as same,
                count(*) filter (where not (${sameExpr(0)}))::integer as changed
         from ${m.source} s join ${t} t on ${keyMatch}`,
        constValues,
      ),
    );
    same = Number(c.same ?? 0);
    updated = Number(c.changed ?? 0);
    if (updated > 0) {
      const sets = [
        ...columns.map((c) => `${ident(c)} = ${val(c, 2)}`),
        'source_file = $1',
        'source_line = s.__line',
        'load_run_id = $2::bigint',
      ];
      await conn.run(
        `update ${t} as t set ${sets.join(', ')} from ${m.source} s where ${keyMatch} and not (${sameExpr(2)})`,
        [m.fileName, m.loadRunId, ...constValues],
      );
    }
  }
  const all = [...m.key, ...columns];
  const inserted = one(
    await conn.runAndReadAll(
      `insert into ${t} (${all.map(ident).join(', ')}, source_file, source_line, load_run_id)
       select ${all.map((c) => val(c, 2)).join(', ')}, $1, s.__line, $2::bigint
       from ${m.source} s
       ${tableHasRows ? `where not exists (select 1 from ${t} t where ${keyMatch})` : ''}`,
      [m.fileName, m.loadRunId, ...constValues],
    ),
  );
  return { inserted: Number(Object.values(inserted)[0] ?? 0), updated, same };
}

function one(reader: { getRowObjectsJson(): unknown[] }): Record<string, unknown> {
  return (reader.getRowObjectsJson()[0] ?? {}) as Record<string, unknown>;
}

/** Length-prefixed so different (payment, item) pairs can never produce the same id. */
export function importedApplicationIdSql(payment: string, invoice: string, creditNote: string): string {
  return `('imp:' || length(${payment}) || ':' || ${payment} || ':' || coalesce('inv:' || ${invoice}, 'cn:' || ${creditNote}))`;
}
