/**
 * DuckDB values across the thread boundary. Primitives (string, number, bigint, boolean, null) clone as they
 * are; DuckDB's value classes (DuckDBDateValue, DuckDBDecimalValue, lists, structs …) would arrive as bare
 * objects without their methods (`toString()` of a date would say "[object Object]"), so they travel as
 * `{ $duck: class name, props }` and are rebuilt on the other side with their own prototype.
 */
import * as duckdb from '@duckdb/node-api';

interface Tagged {
  readonly $duck: string;
  readonly props: Record<string, unknown>;
}

const isPrimitive = (v: unknown): boolean => v === null || typeof v !== 'object';

function toWire(v: unknown): unknown {
  if (isPrimitive(v) || ArrayBuffer.isView(v)) return v;
  if (Array.isArray(v)) return v.map(toWire);
  const proto = Object.getPrototypeOf(v) as object | null;
  const props = Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, toWire(x)]));
  if (proto === Object.prototype || proto === null) return props;
  return { $duck: (v as object).constructor.name, props } satisfies Tagged;
}

const CLASSES = duckdb as unknown as Record<string, unknown>;

function fromWire(v: unknown): unknown {
  if (isPrimitive(v) || ArrayBuffer.isView(v)) return v;
  if (Array.isArray(v)) return v.map(fromWire);
  const o = v as Record<string, unknown>;
  const props = (x: unknown) => Object.fromEntries(Object.entries(x as object).map(([k, y]) => [k, fromWire(y)]));
  if (typeof o.$duck !== 'string') return props(o);
  const cls = CLASSES[o.$duck];
  if (typeof cls !== 'function' || !o.$duck.startsWith('DuckDB')) throw new Error(`pipeline worker: unknown DuckDB value class ${o.$duck}`);
  return Object.assign(Object.create((cls as { prototype: object }).prototype) as object, props(o.props));
}

/** One result column for postMessage: the array itself when every value is a primitive (the usual case). */
export function columnToWire(column: readonly unknown[]): unknown[] {
  for (const v of column) if (!isPrimitive(v)) return column.map(toWire);
  return column as unknown[];
}

export function columnFromWire(column: readonly unknown[]): unknown[] {
  for (const v of column) if (!isPrimitive(v)) return column.map(fromWire);
  return column as unknown[];
}
