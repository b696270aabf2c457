/**
 * Bulk writes through DuckDB's appender into a temporary staging table, then one set-wise
 * INSERT … SELECT with the casts. A run can write a hundred thousand applications; one INSERT per
 * row would dominate the run time.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { DuckDBValue } from '@duckdb/node-api';

/** Staged values: text (money travels as decimal strings, dates as YYYY-MM-DD), doubles, nulls. */
export type StagedValue = string | number | null;

export async function appendRows(
  conn: DuckDBConnection,
  target: string,
  stagedColumns: string,
  rows: readonly (readonly StagedValue[])[],
  select: string,
  params: DuckDBValue[] = [],
): Promise<void> {
  if (rows.length === 0) return;
  await conn.run('drop table if exists temp.main.staged');
  await conn.run(`create temp table staged (${stagedColumns})`);
  const appender = await conn.createAppender('staged', 'main', 'temp');
  try {
    for (const row of rows) {
      for (const v of row) {
        if (v === null) appender.appendNull();
        else if (typeof v === 'number') appender.appendDouble(v);
        else appender.appendVarchar(v);
      }
      appender.endRow();
    }
  } finally {
    appender.closeSync();
  }
  // `target` is one of this module's own table names, never user input.
  await conn.run(`insert into ${target} ${select}`, params);
  await conn.run('drop table temp.main.staged');
}
