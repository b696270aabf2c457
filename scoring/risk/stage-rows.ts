/**
 * Bulk writes of score rows: the rows go through DuckDB's appender into a connection-local staging table
 * and one INSERT … SELECT copies them over with the target's casts. A bound VALUES list costs a parameter
 * per field and a statement per few hundred rows, which at a hundred thousand invoices is most of a
 * scoring run; the appender writes column vectors directly.
 * Staging columns are VARCHAR or DOUBLE only: the INSERT … SELECT applies the same casts (::date,
 * ::decimal(18,2), ::integer) that the bound VALUES list used, so the stored values are the same.
 */
import type { DuckDBConnection } from '@duckdb/node-api';

export type StageColumn<R> =
  | { readonly name: string; readonly type: 'varchar'; readonly get: (row: R) => string | null }
  | { readonly name: string; readonly type: 'double'; readonly get: (row: R) => number | null };

const IDENT = /^[a-z_][a-z0-9_]*$/;

/**
 * Appends `rows` to a fresh temp table `stage` (columns as given), runs `insertSql` (which reads
 * `temp.main.<stage>`), then drops the staging table. Runs on the caller's connection, so inside its
 * transaction when it has one.
 */
export async function insertViaStage<R>(
  conn: DuckDBConnection,
  stage: string,
  columns: readonly StageColumn<R>[],
  rows: readonly R[],
  insertSql: string,
  params: (string | number)[] = [],
): Promise<void> {
  if (!IDENT.test(stage) || columns.some((c) => !IDENT.test(c.name))) throw new Error(`invalid staging table or column name: ${stage}`);
  await conn.run(`create or replace temp table ${stage} (${columns.map((c) => `${c.name} ${c.type}`).join(', ')})`);
  try {
    const app = await conn.createAppender(stage, 'main', 'temp');
    try {
      for (const row of rows) {
        for (const c of columns) {
          if (c.type === 'varchar') {
            const v = c.get(row);
            if (v === null) app.appendNull();
            else app.appendVarchar(v);
          } else {
            const v = c.get(row);
            if (v === null) app.appendNull();
            else app.appendDouble(v);
          }
        }
        app.endRow();
      }
      app.flushSync();
    } finally {
      app.closeSync();
    }
    await conn.run(insertSql, params);
  } finally {
    // after a failed statement the transaction is aborted and rolls the table back anyway
    await conn.run(`drop table if exists temp.main.${stage}`).catch(() => undefined);
  }
}
