/**
 * Reads a large result as one delimited string. The node client converts every value into a JS
 * object one at a time (tens of microseconds each); a million open items would take most of a
 * minute that way. DuckDB joins the rows itself and the client moves a single value.
 */
import type { Params, Warehouse } from '../../core/warehouse.ts';
import { quoteIdent } from '../../core/warehouse.ts';

const FIELD = '\u001f';
const RECORD = '\u001e';
const NULL = '\u0002';

/** Rows of `sql` as string arrays in `columns` order; SQL NULL becomes null. */
export async function readRows(wh: Warehouse, sql: string, columns: readonly string[], params?: Params): Promise<(string | null)[][]> {
  // Column names are this module's callers' own constants, quoted all the same.
  const fields = columns
    .map((c) => `coalesce(replace(replace(${quoteIdent(c)}::varchar, chr(30), ' '), chr(31), ' '), chr(2))`)
    .join(`, `);
  const row = await wh.one<{ blob: string | null }>(
    `select string_agg(concat_ws(chr(31), ${fields}), chr(30)) as blob from (${sql}) as q`,
    params,
  );
  const blob = row?.blob;
  if (!blob) return [];
  return blob.split(RECORD).map((line) => line.split(FIELD).map((v) => (v === NULL ? null : v)));
}

export const SEPARATORS = { FIELD, RECORD, NULL } as const;
