/**
 * DuckDB values crossing to the pipeline's worker thread (jobs/worker/values.ts): after a structured clone,
 * values and column types rebuilt on the other side convert exactly as the originals do.
 */
import { isDeepStrictEqual } from 'node:util';
import { DuckDBInstance, JSDuckDBValueConverter, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { columnFromWire, columnToWire } from '../../jobs/worker/values.ts';

const SQL = `select i::integer as a, i::bigint * 1000000000000 as b, i / 3.0 as c, (i * 1.25)::decimal(18, 2) as d,
  date '2026-01-01' + i::integer as e, [i, i + 1] as f, {'x': i, 'y': 'q' || i} as g,
  case when i % 2 = 0 then null else 'z' end as h, i % 2 = 0 as k,
  timestamp '2026-01-01 10:00:00' + interval (i) hour as t, [date '2026-01-01'] as u
  from range(5000) t(i)`;

describe('DuckDB values across threads', () => {
  it('rebuild with their classes: JS conversion and text equal the originals over several chunks', async () => {
    const inst = await DuckDBInstance.create(':memory:');
    const conn = await inst.connect();
    try {
      const expected = (await conn.runAndReadAll(SQL)).getColumnsJS();
      const result = await conn.stream(SQL);
      const types = columnFromWire(structuredClone(columnToWire(result.columnTypes()))) as DuckDBType[];
      const got: unknown[][] = expected.map(() => []);
      const text: string[] = [];
      for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
        const originals = chunk.getColumns();
        const cols = (structuredClone(originals.map(columnToWire)) as unknown[][]).map(columnFromWire) as DuckDBValue[][];
        cols.forEach((col, k) => col.forEach((v, r) => {
          got[k]?.push(JSDuckDBValueConverter(v, types[k] as DuckDBType, JSDuckDBValueConverter));
          if (r === 3) text.push(String(v) === String(originals[k]?.[r]) ? 'same' : `${String(v)} ≠ ${String(originals[k]?.[r])}`);
        }));
      }
      expect(isDeepStrictEqual(got, expected)).toBe(true);
      expect(new Set(text)).toEqual(new Set(['same']));
    } finally {
      conn.closeSync();
      inst.closeSync();
    }
  });

  it('passes a column of primitives through as it is', () => {
    const col = ['a', 1, 2n, true, null];
    expect(columnToWire(col)).toBe(col);
    expect(columnFromWire(col)).toBe(col);
  });
});
