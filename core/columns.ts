/**
 * A query's result column by column as plain JS values (the same values `getColumnsJS()` gives), read from a
 * streamed result a chunk at a time: no object per row and no JSON in between. It reads through
 * `conn.stream` and each chunk's `convertColumns`, which the pipeline's worker thread also forwards
 * (jobs/worker), so code using it runs unchanged in `ar-intel run` and in the server's background run.
 */
import { JSDuckDBValueConverter, type DuckDBConnection, type JS } from '@duckdb/node-api';
import type { Params } from './warehouse.ts';

export interface ColumnsJS {
  readonly names: readonly string[];
  readonly rowCount: number;
  /** One array per column, in row order. */
  readonly columns: readonly JS[][];
}

export async function readColumnsJS(conn: DuckDBConnection, sql: string, params?: Params): Promise<ColumnsJS> {
  const result = await conn.stream(sql, params);
  const names = result.deduplicatedColumnNames();
  const columns: JS[][] = names.map(() => []);
  let rowCount = 0;
  for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    const converted = chunk.convertColumns(JSDuckDBValueConverter);
    for (let k = 0; k < columns.length; k++) {
      const into = columns[k] as JS[];
      for (const v of converted[k] ?? []) into.push(v as JS);
    }
    rowCount += chunk.rowCount;
  }
  return { names, rowCount, columns };
}
