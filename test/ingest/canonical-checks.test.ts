/**
 * The loader flags a row as good with `columnOk` (plain booleans, evaluated on every row) and works out
 * reasons with `columnReason` (only for flagged rows). A row flagged bad without a reason would vanish
 * silently and a row flagged good despite a reason would load bad data, so the two must agree on every
 * cell: checked here for every column of every kind over edge values of each type.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { cell, columnOk, columnReason, ident } from '../../ingest/canonical/checks.ts';
import { KINDS } from '../../ingest/canonical/kinds.ts';

const VALUES = [
  '', '   ', 'abc', ' x ', '0', '-0', '+0', '-0.00', '0.00', '1', '+1', '-1', '12.5', '12.50', '12.505', '-12.50', '1,5',
  '1.234,56', '1e3', '.5', '5.', '00012', '9999999999999999', '99999999999999999', '9999999999999999.99', '1.123456789',
  '0.00000001', '100', '100.00', '100.01', '101', '1000', '2147483647', '999999999', '1000000000', '2024-02-29', '2023-02-29',
  '2024-13-01', '2024-1-5', '2024/01/05', ' 2024-01-05 ', '2024-01-05T10:30', '2024-01-05T10:30:15.123456Z', '2024-01-05 25:00',
  '2024-01-05T10:30:15.1234567', '2024-01-05Z', 'true', 'TRUE', 'False', 'yes', 'EUR', 'eur', 'EU', 'EURO', 'E1R', 'open',
  'OPEN', 'in_review', 'call', 'short_shipment', 'kept', 'nope',
];

describe('columnOk agrees with columnReason', () => {
  it('for every column of every kind over edge values', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    let compared = 0;
    try {
      for (const spec of KINDS) {
        for (const c of spec.columns) {
          const sql = `select r.${ident(c.name)} as raw, ${columnOk(spec, c, cell(c.name))} as ok, ${columnReason(spec, c)} as reason
                       from (select unnest($1::varchar[]) as ${ident(c.name)}) r`;
          const rows = (await conn.runAndReadAll(sql, [`[${VALUES.map((v) => `"${v}"`).join(',')}]`])).getRowObjectsJson() as {
            raw: string;
            ok: boolean;
            reason: string | null;
          }[];
          expect(rows).toHaveLength(VALUES.length);
          for (const r of rows) {
            expect({ kind: spec.kind, column: c.name, raw: r.raw, ok: r.ok }).toEqual({ kind: spec.kind, column: c.name, raw: r.raw, ok: r.reason === null });
            compared++;
          }
          // the NULL cell (a missing optional column's value) too
          const nul = (await conn.runAndReadAll(
            `select ${columnOk(spec, c, cell(c.name))} as ok, ${columnReason(spec, c)} as reason from (select null::varchar as ${ident(c.name)}) r`,
          )).getRowObjectsJson()[0] as { ok: boolean; reason: string | null };
          expect(nul.ok).toBe(nul.reason === null);
        }
      }
    } finally {
      conn.closeSync();
    }
    expect(compared).toBeGreaterThan(1000);
  });
});
