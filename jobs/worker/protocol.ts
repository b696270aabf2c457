/**
 * Messages between the serving thread and the pipeline's worker thread. The worker owns no database: every
 * statement it runs travels here to the serving thread, which runs it on the one DuckDB instance of the
 * process (a second instance of the same file in one process would keep its own cache and catalog, and the
 * two would overwrite each other's writes). Only plain values cross: SQL text, primitive parameters, rows as
 * the JSON-safe values `getRowObjectsJson` gives, streamed chunks as columns (values.ts), and appender calls recorded as (method, value) pairs.
 */
import type { MessagePort } from 'node:worker_threads';
import { z } from 'zod';
import type { Config } from '../../core/config.ts';

/** Parameter values that survive structured cloning unchanged (DuckDB value classes would lose their type). */
const Param = z.union([z.string(), z.number(), z.bigint(), z.boolean(), z.null()]);
export const Params = z.union([z.array(Param), z.record(z.string(), Param)]).optional();
export type WireParams = z.infer<typeof Params>;

/** Appender methods the worker may replay on the serving thread: each takes one primitive or nothing. */
export const APPEND_METHODS = [
  'appendVarchar', 'appendInteger', 'appendBigInt', 'appendDouble', 'appendFloat', 'appendBoolean',
  'appendSmallInt', 'appendTinyInt', 'appendUInteger', 'appendUBigInt', 'appendNull', 'appendDefault', 'endRow',
] as const;
export type AppendMethod = (typeof APPEND_METHODS)[number];

/** Requests from the worker. `id` pairs a reply with its request; `conn` and `appender` name handles. */
export const Request = z.discriminatedUnion('t', [
  z.object({ t: z.literal('connect'), id: z.number().int() }),
  z.object({ t: z.literal('run'), id: z.number().int(), conn: z.number().int(), sql: z.string(), params: Params }),
  z.object({ t: z.literal('read'), id: z.number().int(), conn: z.number().int(), sql: z.string(), params: Params }),
  // A streamed result (conn.stream): opened once, then read a chunk (≤ 2,048 rows) per `fetch`, as columns.
  z.object({ t: z.literal('stream'), id: z.number().int(), conn: z.number().int(), sql: z.string(), params: Params }),
  z.object({ t: z.literal('fetch'), id: z.number().int(), stream: z.number().int() }),
  z.object({ t: z.literal('close'), conn: z.number().int() }),
  z.object({
    t: z.literal('appender'), id: z.number().int(), conn: z.number().int(), table: z.string(),
    schema: z.string().nullable(), catalog: z.string().nullable(),
  }),
  // Appender calls in batches, replayed in order. `sync` batches (flushSync/closeSync) are answered on the sync
  // port while the worker waits; an error in an earlier batch is reported by the next sync one. The values
  // are checked by the appender itself during the replay (a per-value schema here would cost the serving
  // thread as much as the replay).
  z.object({
    t: z.literal('append'), id: z.number().int(), appender: z.number().int(),
    methods: z.array(z.string()), values: z.array(z.unknown()), sync: z.boolean(), close: z.boolean(),
  }),
  z.object({ t: z.literal('log'), message: z.string() }),
  z.object({ t: z.literal('result'), result: z.object({
    runId: z.string(), asOf: z.string(), status: z.enum(['succeeded', 'failed']), ms: z.number(),
    stages: z.array(z.object({ name: z.string(), status: z.enum(['succeeded', 'failed']), rows: z.number(), ms: z.number(), error: z.string().optional() })),
  }) }),
  z.object({ t: z.literal('crashed'), message: z.string() }),
]);
export type Request = z.infer<typeof Request>;

/**
 * A reply to one request: a value; for a read, its column names, then its rows as arrays (several batches,
 * then `done` — arrays of values clone faster than objects, which the worker builds); or an error.
 */
export type Reply =
  | { readonly id: number; readonly value: number | null }
  | { readonly id: number; readonly columns: string[] }
  | { readonly id: number; readonly rows: unknown[][] }
  | { readonly id: number; readonly done: true }
  | { readonly id: number; readonly stream: { readonly handle: number; readonly names: string[]; readonly types: unknown[] } }
  /** One chunk of a stream, column by column (values as in values.ts); rowCount 0 = the stream is done. */
  | { readonly id: number; readonly chunk: { readonly rowCount: number; readonly columns: unknown[][] } }
  | { readonly id: number; readonly error: { readonly message: string; readonly name: string } };

/** What a run is started with (the `start` message, with syncPort transferred). */
export interface WorkerInput {
  readonly config: Config;
  readonly asOf: string | undefined;
  /** Module export (an array of stages) that replaces the default stages (tests); undefined = the real pipeline. */
  readonly stagesFrom: { readonly module: string; readonly exportName: string } | undefined;
  /** Int32 flag the worker waits on (Atomics.wait) while the serving thread answers a synchronous call. */
  readonly syncFlag: SharedArrayBuffer;
  readonly syncPort: MessagePort;
}
