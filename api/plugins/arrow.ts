/**
 * Content negotiation for table-shaped endpoints: JSON stays the default, and a client that sends
 * `Accept: application/vnd.apache.arrow.stream` gets the same rows as an Arrow IPC stream (for pandas, polars,
 * DuckDB or arquero without a JSON round trip).
 *
 * A route opts in with `config: { arrowTable: 'items' }`, naming the array property of its 200 response that holds
 * the rows. The Arrow schema comes from the route's zod response schema, never from the data, so an empty page has
 * the same columns and types as a full one. The conversion runs in onSend, after the zod serializer has checked the
 * JSON body, so both representations carry exactly the validated rows; error responses stay JSON.
 *
 * Types: strings, enums and dates → Utf8 (money stays a decimal string, as in JSON: never a float), integers →
 * Int64, other numbers → Float64, booleans → Bool, anything nested → Utf8 holding its JSON (field metadata
 * `ar-intel:encoding` = `json`). The other top-level fields of the body (e.g. `asOf`) travel as JSON in the
 * schema metadata key `ar-intel:meta`.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import {
  Bool,
  type DataType,
  Field,
  Float64,
  Int64,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  tableToIPC,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { z } from 'zod';

export const ARROW_STREAM = 'application/vnd.apache.arrow.stream';
/** Field metadata key marking a Utf8 column that holds JSON (nested objects and arrays, mixed unions). */
export const JSON_ENCODING_KEY = 'ar-intel:encoding';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Name of the array property of the 200 response whose rows may also be served as an Arrow stream. */
    arrowTable?: string;
  }
}

type ColumnKind = 'utf8' | 'int' | 'float' | 'bool' | 'json';

interface ColumnSpec {
  readonly name: string;
  readonly kind: ColumnKind;
  readonly nullable: boolean;
}

function unwrap(schema: z.ZodType): { inner: z.ZodType; nullable: boolean } {
  let nullable = false;
  let s: z.ZodType = schema;
  for (;;) {
    if (s instanceof z.ZodNullable || s instanceof z.ZodOptional) {
      nullable = true;
      s = s.unwrap() as z.ZodType;
    } else if (s instanceof z.ZodDefault || s instanceof z.ZodReadonly) {
      s = s.unwrap() as z.ZodType;
    } else {
      return { inner: s, nullable };
    }
  }
}

function kindOf(schema: z.ZodType): ColumnKind {
  if (schema instanceof z.ZodString || schema instanceof z.ZodEnum) return 'utf8';
  if (schema instanceof z.ZodLiteral) return typeof schema.value === 'string' ? 'utf8' : 'json';
  if (schema instanceof z.ZodBoolean) return 'bool';
  if (schema instanceof z.ZodNumber) return schema.format !== null && /int/.test(schema.format) ? 'int' : 'float';
  return 'json';
}

/** The columns of a route's rows, read from the zod schema of one row. */
export function columnsOf(row: z.ZodObject): ColumnSpec[] {
  return Object.entries(row.shape as Record<string, z.ZodType>).map(([name, field]) => {
    const { inner, nullable } = unwrap(field);
    return { name, kind: kindOf(inner), nullable };
  });
}

function arrowType(kind: ColumnKind): DataType {
  switch (kind) {
    case 'int':
      return new Int64();
    case 'float':
      return new Float64();
    case 'bool':
      return new Bool();
    default:
      return new Utf8();
  }
}

function cell(kind: ColumnKind, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (kind) {
    case 'int':
      return BigInt(v as number);
    case 'json':
      return JSON.stringify(v);
    default:
      return v;
  }
}

/** Rows (already validated against `columns`) as an Arrow IPC stream. */
export function rowsToArrowStream(
  columns: readonly ColumnSpec[],
  rows: readonly Record<string, unknown>[],
  metadata: Record<string, string> = {},
): Uint8Array {
  // nested values travel as JSON text; the field says so, so a client knows which columns to parse
  const fields = columns.map((c) => new Field(c.name, arrowType(c.kind), c.nullable, c.kind === 'json' ? new Map([[JSON_ENCODING_KEY, 'json']]) : undefined));
  const schema = new Schema(fields, new Map(Object.entries(metadata)));
  const children = columns.map((c, i) => {
    const type = fields[i]!.type;
    const vector = vectorFromArray(
      rows.map((r) => cell(c.kind, r[c.name])),
      type,
    );
    // vectorFromArray yields one chunk for an in-memory array; concat() covers the general case.
    return (vector.data.length === 1 ? vector.data[0] : vector.concat().data[0])!;
  });
  const data = makeData({ type: new Struct(fields), length: rows.length, nullCount: 0, children });
  return tableToIPC(new Table(schema, new RecordBatch(schema, data)), 'stream');
}

interface MediaRange {
  type: string;
  q: number;
}

function parseAccept(header: string): MediaRange[] {
  return header.split(',').map((part) => {
    const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    return { type, q: Number.isFinite(q) ? q : 0 };
  });
}

/** True when the client prefers Arrow to JSON; ties, wildcards and a missing header keep JSON. */
export function prefersArrow(accept: string | undefined): boolean {
  if (!accept) return false;
  const ranges = parseAccept(accept);
  const qOf = (type: string) => ranges.find((r) => r.type === type)?.q;
  const arrowQ = qOf(ARROW_STREAM) ?? 0;
  if (arrowQ <= 0) return false;
  const jsonQ = qOf('application/json') ?? 0;
  return arrowQ > jsonQ || (arrowQ === jsonQ && ranges.findIndex((r) => r.type === ARROW_STREAM) < ranges.findIndex((r) => r.type === 'application/json'));
}

/** The zod schema of one row of an opted-in route, or an error naming what is wrong with the route's schema. */
export function rowSchemaOf(response: unknown, table: string, route: string): z.ZodObject {
  const ok = response && typeof response === 'object' ? (response as Record<string | number, unknown>)[200] : undefined;
  if (!(ok instanceof z.ZodObject)) throw new Error(`${route}: config.arrowTable needs a zod object as the 200 response schema`);
  const prop = (ok.shape as Record<string, z.ZodType>)[table];
  const arr = prop === undefined ? undefined : unwrap(prop).inner;
  if (!(arr instanceof z.ZodArray) || !(unwrap(arr.element as z.ZodType).inner instanceof z.ZodObject)) {
    throw new Error(`${route}: config.arrowTable '${table}' must name an array of objects in the 200 response`);
  }
  return unwrap(arr.element as z.ZodType).inner as z.ZodObject;
}

const columnCache = new WeakMap<object, ColumnSpec[]>();

function columnsForRequest(req: FastifyRequest, table: string): ColumnSpec[] {
  const response = req.routeOptions.schema?.response;
  const row = rowSchemaOf(response, table, req.routeOptions.url ?? req.url);
  let cols = columnCache.get(row);
  if (!cols) {
    cols = columnsOf(row);
    columnCache.set(row, cols);
  }
  return cols;
}

async function onSend(req: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
  const table = req.routeOptions.config.arrowTable;
  if (table === undefined) return payload;
  void reply.header('vary', 'Accept');
  if (reply.statusCode !== 200 || typeof payload !== 'string' || !prefersArrow(req.headers.accept)) return payload;
  // a route may answer another format on request (the worklist's ?format=csv): only its JSON turns into Arrow
  if (!/^application\/json\b/.test(String(reply.getHeader('content-type') ?? ''))) return payload;
  const body = JSON.parse(payload) as Record<string, unknown>;
  const rows = body[table] as Record<string, unknown>[];
  const rest = Object.fromEntries(Object.entries(body).filter(([k]) => k !== table));
  const meta: Record<string, string> = Object.keys(rest).length > 0 ? { 'ar-intel:meta': JSON.stringify(rest) } : {};
  void reply.type(ARROW_STREAM);
  return Buffer.from(rowsToArrowStream(columnsForRequest(req, table), rows, meta));
}

/**
 * Registers the negotiation for every route added after it (hence no encapsulation). A route whose arrowTable
 * does not match its response schema fails at start-up, not on the first Arrow request.
 */
export const arrowNegotiation: FastifyPluginAsync = async (app: FastifyInstance) => {
  app.addHook('onRoute', (route) => {
    const table = route.config?.arrowTable;
    if (table === undefined) return;
    rowSchemaOf(route.schema?.response, table, `${String(route.method)} ${route.url}`);
    const description = route.schema?.description;
    const note = `Also answers \`Accept: ${ARROW_STREAM}\` with the \`${table}\` rows as an Arrow IPC stream.`;
    route.schema = { ...route.schema, description: description ? `${description}\n\n${note}` : note };
  });
  app.addHook('onSend', onSend);
};
(arrowNegotiation as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
