/**
 * Worker side: a stand-in for the DuckDB instance whose connections forward every statement to the serving
 * thread (protocol.ts). `Warehouse.over(path, new RemoteDatabase(…))` then behaves like the serving thread's
 * Warehouse — same transactions, same connection pinning — because each remote connection is one real
 * connection over there. Only the calls the pipeline's code makes on a connection exist: run,
 * runAndReadAll(…).getRowObjectsJson(), stream(…) read chunk by chunk (rowCount, getColumns, getRows,
 * getColumnVector(k).getItem(r)), createAppender and closeSync.
 */
import type { DuckDBAppender, DuckDBConnection, DuckDBDataChunk, DuckDBMaterializedResult, DuckDBResult, DuckDBResultReader, DuckDBType, DuckDBValue, DuckDBValueConverter } from '@duckdb/node-api';
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { Params as WarehouseParams, WarehouseInstance } from '../../core/warehouse.ts';
import { Params, type AppendMethod, type Reply, type Request, type WireParams } from './protocol.ts';
import { columnFromWire } from './values.ts';

interface Waiting {
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: Error) => void;
  readonly rows: Record<string, unknown>[];
  columns: string[];
}

/** Requests are numbered here; `Omit` over a union keeps each variant's own fields. */
type Outgoing = Request extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

function replyError(error: { message: string; name: string }): Error {
  const err = new Error(error.message);
  err.name = error.name;
  return err;
}

/** Parameters are checked here, where a wrong one can still name its statement. */
function wireParams(sql: string, params: WarehouseParams | undefined): WireParams {
  const parsed = Params.safeParse(params);
  if (!parsed.success) throw new Error(`pipeline worker: parameters must be strings, numbers, bigints, booleans or null (${sql.slice(0, 80)}…)`);
  return parsed.data;
}

export class RemoteDatabase implements WarehouseInstance {
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();
  private readonly listener = (reply: Reply): void => this.onReply(reply);

  constructor(
    private readonly port: MessagePort,
    private readonly syncPort: MessagePort,
    private readonly syncFlag: Int32Array,
  ) {
    port.on('message', this.listener);
  }

  post(message: Request): void {
    this.port.postMessage(message);
  }

  request<T>(message: Outgoing): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject, rows: [], columns: [] });
      this.port.postMessage({ ...message, id });
    });
  }

  /**
   * For the appender's flushSync/closeSync, which callers expect to have finished (and thrown) on return:
   * the worker blocks until the serving thread has answered on the sync port. The serving thread stays free.
   */
  requestSync(message: Outgoing): void {
    const id = this.nextId++;
    Atomics.store(this.syncFlag, 0, 0);
    this.port.postMessage({ ...message, id });
    // Short waits in a loop, so terminate() can stop the thread between them.
    while (Atomics.wait(this.syncFlag, 0, 0, 100) === 'timed-out');
    const got = receiveMessageOnPort(this.syncPort)?.message as Reply | undefined;
    if (!got || got.id !== id) throw new Error('pipeline worker: synchronous reply missing');
    if ('error' in got) throw replyError(got.error);
  }

  private onReply(reply: Reply): void {
    const w = this.waiting.get(reply.id);
    if (!w) return;
    if ('columns' in reply) {
      w.columns = reply.columns;
      return;
    }
    if ('rows' in reply) {
      const names = w.columns;
      for (const values of reply.rows) {
        const row: Record<string, unknown> = {};
        for (let c = 0; c < names.length; c++) row[names[c] as string] = values[c];
        w.rows.push(row);
      }
      return;
    }
    this.waiting.delete(reply.id);
    if ('error' in reply) w.reject(replyError(reply.error));
    else if ('done' in reply) w.resolve(w.rows);
    else if ('stream' in reply) w.resolve(reply.stream);
    else if ('chunk' in reply) w.resolve(reply.chunk);
    else w.resolve(reply.value);
  }

  async connect(): Promise<DuckDBConnection> {
    const handle = await this.request<number>({ t: 'connect' });
    // The pipeline's code is typed against DuckDBConnection; RemoteConnection has the part of it that code uses.
    return new RemoteConnection(this, handle) as unknown as DuckDBConnection;
  }

  /** The serving thread owns the instance; the worker only drops its handles. */
  closeSync(): void {
    this.port.off('message', this.listener);
  }
}

class RemoteConnection {
  constructor(
    private readonly db: RemoteDatabase,
    private readonly handle: number,
  ) {}

  async run(sql: string, params?: WarehouseParams): Promise<DuckDBMaterializedResult> {
    await this.db.request<null>({ t: 'run', conn: this.handle, sql, params: wireParams(sql, params) });
    // Nothing in the pipeline reads run()'s result; an accidental use fails loudly instead of reading nothing.
    return undefined as unknown as DuckDBMaterializedResult;
  }

  async runAndReadAll(sql: string, params?: WarehouseParams): Promise<DuckDBResultReader> {
    const rows = await this.db.request<Record<string, unknown>[]>({ t: 'read', conn: this.handle, sql, params: wireParams(sql, params) });
    return { getRowObjectsJson: () => rows } as unknown as DuckDBResultReader;
  }

  async stream(sql: string, params?: WarehouseParams): Promise<DuckDBResult> {
    const s = await this.db.request<{ handle: number; names: string[]; types: unknown[] }>({ t: 'stream', conn: this.handle, sql, params: wireParams(sql, params) });
    return new RemoteStream(this.db, s.handle, s.names, columnFromWire(s.types) as DuckDBType[]) as unknown as DuckDBResult;
  }

  async createAppender(table: string, schema?: string | null, catalog?: string | null): Promise<DuckDBAppender> {
    const id = await this.db.request<number>({ t: 'appender', conn: this.handle, table, schema: schema ?? null, catalog: catalog ?? null });
    return new RemoteAppender(this.db, id) as unknown as DuckDBAppender;
  }

  closeSync(): void {
    this.db.post({ t: 'close', conn: this.handle });
  }
}

/** A streamed result: each fetchChunk brings one chunk's columns over (the last one has rowCount 0). */
class RemoteStream {
  private done = false;

  constructor(
    private readonly db: RemoteDatabase,
    private readonly handle: number,
    private readonly names: string[],
    private readonly types: DuckDBType[],
  ) {}

  get columnCount(): number {
    return this.names.length;
  }
  columnTypes(): DuckDBType[] {
    return [...this.types];
  }
  columnNames(): string[] {
    return [...this.names];
  }
  deduplicatedColumnNames(): string[] {
    return [...this.names];
  }

  async fetchChunk(): Promise<DuckDBDataChunk> {
    if (this.done) return new RemoteChunk(0, [], this.types) as unknown as DuckDBDataChunk;
    const chunk = await this.db.request<{ rowCount: number; columns: unknown[][] }>({ t: 'fetch', stream: this.handle });
    if (chunk.rowCount === 0) this.done = true;
    return new RemoteChunk(chunk.rowCount, chunk.columns.map(columnFromWire) as DuckDBValue[][], this.types) as unknown as DuckDBDataChunk;
  }
}

/** One chunk's values, read the ways the stages read a DuckDBDataChunk. */
class RemoteChunk {
  constructor(
    readonly rowCount: number,
    private readonly columns: DuckDBValue[][],
    private readonly types: readonly DuckDBType[],
  ) {}

  /** As DuckDBDataChunk.convertColumns: every value, null included, through the converter with its column's type. */
  convertColumns<T>(converter: DuckDBValueConverter<T>): (T | null)[][] {
    return this.columns.map((column, k) => {
      const type = this.types[k] as DuckDBType;
      return column.map((v) => converter(v, type, converter));
    });
  }

  get columnCount(): number {
    return this.columns.length;
  }
  getColumns(): DuckDBValue[][] {
    return this.columns;
  }
  getColumnValues(k: number): DuckDBValue[] {
    return this.columns[k] ?? [];
  }
  getRows(): DuckDBValue[][] {
    return Array.from({ length: this.rowCount }, (_, r) => this.columns.map((c) => c[r] as DuckDBValue));
  }
  getColumnVector(k: number): { readonly itemCount: number; getItem(r: number): DuckDBValue } {
    const column = this.columns[k] ?? [];
    return { itemCount: this.rowCount, getItem: (r) => column[r] as DuckDBValue };
  }
}

/** Rows per batch sent ahead of a flush: bounds both the message and the serving thread's replay step. */
const BATCH_ROWS = 2000;

class RemoteAppender {
  private methods: AppendMethod[] = [];
  private values: unknown[] = [];
  private rows = 0;

  constructor(
    private readonly db: RemoteDatabase,
    private readonly handle: number,
  ) {}

  private call(method: AppendMethod, value?: unknown): void {
    this.methods.push(method);
    this.values.push(value);
  }

  private send(sync: boolean, close: boolean): void {
    const batch = { t: 'append' as const, appender: this.handle, methods: this.methods, values: this.values, sync, close };
    this.methods = [];
    this.values = [];
    this.rows = 0;
    if (sync) this.db.requestSync(batch);
    else this.db.post({ ...batch, id: 0 });
  }

  appendVarchar(v: string): void { this.call('appendVarchar', v); }
  appendInteger(v: number): void { this.call('appendInteger', v); }
  appendBigInt(v: bigint): void { this.call('appendBigInt', v); }
  appendDouble(v: number): void { this.call('appendDouble', v); }
  appendFloat(v: number): void { this.call('appendFloat', v); }
  appendBoolean(v: boolean): void { this.call('appendBoolean', v); }
  appendSmallInt(v: number): void { this.call('appendSmallInt', v); }
  appendTinyInt(v: number): void { this.call('appendTinyInt', v); }
  appendUInteger(v: number): void { this.call('appendUInteger', v); }
  appendUBigInt(v: bigint): void { this.call('appendUBigInt', v); }
  appendNull(): void { this.call('appendNull'); }
  appendDefault(): void { this.call('appendDefault'); }

  endRow(): void {
    this.call('endRow');
    if (++this.rows >= BATCH_ROWS) this.send(false, false);
  }

  flushSync(): void {
    this.send(true, false);
  }

  closeSync(): void {
    this.send(true, true);
  }
}
