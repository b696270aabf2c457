/**
 * Serving-thread side of the pipeline worker: runs the statements the worker sends (protocol.ts) on this
 * process's one DuckDB instance, each remote connection being one real connection. The DuckDB work itself
 * runs on libuv's pool as it always did; what stays on this thread is turning results into rows and
 * replaying appender calls, done a chunk at a time with a turn of the event loop between chunks, so no
 * single step holds the API's requests back for long.
 */
import type { DuckDBAppender, DuckDBConnection, DuckDBResult } from '@duckdb/node-api';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Warehouse } from '../../core/warehouse.ts';
import { APPEND_METHODS, type AppendMethod, type Reply, type Request } from './protocol.ts';
import { columnToWire } from './values.ts';

/** Appender calls replayed per turn of the event loop (a 2,000-row batch of ~10 columns is ~2 turns). */
const REPLAY_STEP = 10_000;
const APPENDABLE = new Set<string>(APPEND_METHODS);

interface Handle {
  readonly conn: DuckDBConnection;
  closed: boolean;
  /** Statements of one connection run one after another, in the order the worker sent them. */
  tail: Promise<void>;
}

interface AppenderHandle {
  readonly appender: DuckDBAppender;
  readonly conn: number;
  /** First error of a batch sent ahead; reported by the next flush or close. */
  error: Error | undefined;
}

function asReplyError(err: unknown): { message: string; name: string } {
  const e = err instanceof Error ? err : new Error(String(err));
  return { message: e.message, name: e.name };
}

function replay(appender: DuckDBAppender, method: AppendMethod, value: unknown): void {
  // Each method takes one primitive (or nothing); the appender rejects a value of the wrong type.
  (appender[method] as (v?: unknown) => void).call(appender, value);
}

export class DatabaseHost {
  private nextHandle = 1;
  private readonly conns = new Map<number, Handle>();
  private readonly appenders = new Map<number, AppenderHandle>();
  private readonly streams = new Map<number, { readonly result: DuckDBResult; readonly conn: number }>();

  constructor(
    private readonly wh: Warehouse,
    private readonly reply: (r: Reply) => void,
    private readonly replySync: (r: Reply) => void,
  ) {}

  /** Handles one request; replies arrive asynchronously through `reply` (or `replySync`). */
  handle(req: Request): void {
    switch (req.t) {
      case 'connect':
        this.wh.connect().then(
          (conn) => {
            const handle = this.nextHandle++;
            this.conns.set(handle, { conn, closed: false, tail: Promise.resolve() });
            this.reply({ id: req.id, value: handle });
          },
          (err: unknown) => this.reply({ id: req.id, error: asReplyError(err) }),
        );
        return;
      case 'run':
        this.onConnection(req.conn, req.id, async (conn) => {
          await conn.run(req.sql, req.params);
          this.reply({ id: req.id, value: null });
        });
        return;
      case 'read':
        this.onConnection(req.conn, req.id, async (conn) => {
          // Same statement and values as runAndReadAll().getRowObjectsJson() (same de-duplicated column names),
          // sent a chunk (≤ 2,048 rows) at a time.
          const result = await conn.run(req.sql, req.params);
          this.reply({ id: req.id, columns: result.deduplicatedColumnNames() });
          for await (const rows of result.yieldRowsJson()) {
            this.reply({ id: req.id, rows });
            await nextTurn();
          }
          this.reply({ id: req.id, done: true });
        });
        return;
      case 'stream':
        this.onConnection(req.conn, req.id, async (conn) => {
          const result = await conn.stream(req.sql, req.params);
          const handle = this.nextHandle++;
          this.streams.set(handle, { result, conn: req.conn });
          this.reply({ id: req.id, stream: { handle, names: result.deduplicatedColumnNames(), types: columnToWire(result.columnTypes()) } });
        });
        return;
      case 'fetch': {
        const s = this.streams.get(req.stream);
        if (!s) {
          this.reply({ id: req.id, error: { message: `pipeline worker: stream ${req.stream} is closed`, name: 'Error' } });
          return;
        }
        this.onConnection(s.conn, req.id, async () => {
          const chunk = await s.result.fetchChunk();
          if (!chunk || chunk.rowCount === 0) {
            this.streams.delete(req.stream);
            this.reply({ id: req.id, chunk: { rowCount: 0, columns: [] } });
            return;
          }
          this.reply({ id: req.id, chunk: { rowCount: chunk.rowCount, columns: chunk.getColumns().map(columnToWire) } });
        });
        return;
      }
      case 'appender':
        this.onConnection(req.conn, req.id, async (conn) => {
          const appender = await conn.createAppender(req.table, req.schema, req.catalog);
          const handle = this.nextHandle++;
          this.appenders.set(handle, { appender, conn: req.conn, error: undefined });
          this.reply({ id: req.id, value: handle });
        });
        return;
      case 'append':
        this.onAppend(req);
        return;
      case 'close': {
        const h = this.conns.get(req.conn);
        if (!h) return;
        h.tail = h.tail.then(() => {
          this.conns.delete(req.conn);
          for (const [k, st] of this.streams) if (st.conn === req.conn) this.streams.delete(k);
          if (h.closed) return;
          h.closed = true;
          h.conn.closeSync();
        }).catch(() => undefined);
        return;
      }
      default:
        return;
    }
  }

  private onConnection(handle: number, id: number, fn: (conn: DuckDBConnection) => Promise<void>): void {
    const h = this.conns.get(handle);
    if (!h) {
      this.reply({ id, error: { message: `pipeline worker: connection ${handle} is closed`, name: 'Error' } });
      return;
    }
    h.tail = h.tail.then(() => fn(h.conn)).catch((err: unknown) => this.reply({ id, error: asReplyError(err) }));
  }

  private onAppend(req: Extract<Request, { t: 'append' }>): void {
    const a = this.appenders.get(req.appender);
    const answer = (r: Reply) => (req.sync ? this.replySync(r) : undefined);
    const h = a ? this.conns.get(a.conn) : undefined;
    if (!a || !h) {
      answer({ id: req.id, error: { message: `pipeline worker: appender ${req.appender} is closed`, name: 'Error' } });
      return;
    }
    h.tail = h.tail.then(async () => {
      try {
        if (a.error === undefined) {
          for (let i = 0; i < req.methods.length; i++) {
            const method = req.methods[i] as string;
            if (!APPENDABLE.has(method)) throw new Error(`pipeline worker: ${method} is not an appender call the worker may make`);
            replay(a.appender, method as AppendMethod, req.values[i]);
            if ((i + 1) % REPLAY_STEP === 0) await nextTurn();
          }
        }
      } catch (err) {
        a.error ??= err instanceof Error ? err : new Error(String(err));
      }
      if (!req.sync) return;
      try {
        if (a.error) throw a.error;
        if (req.close) a.appender.closeSync();
        else a.appender.flushSync();
        answer({ id: req.id, value: null });
      } catch (err) {
        answer({ id: req.id, error: asReplyError(err) });
      } finally {
        if (req.close) this.appenders.delete(req.appender);
      }
    });
  }

  /**
   * The worker is gone (finished, crashed or stopped): stop what it left running, roll back any transaction it
   * left open (its run is then not published — as when a process dies) and close its connections.
   */
  async closeAll(): Promise<void> {
    const open = [...this.conns.values()];
    this.conns.clear();
    this.appenders.clear();
    this.streams.clear();
    for (const h of open) h.conn.interrupt();
    await Promise.all(
      open.map(async (h) => {
        await h.tail.catch(() => undefined);
        if (h.closed) return;
        h.closed = true;
        await h.conn.run('rollback').catch(() => undefined); // "no transaction is active" when it had none
        h.conn.closeSync();
      }),
    );
  }
}
