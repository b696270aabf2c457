/**
 * The one DuckDB handle of the process. Everything that touches the warehouse goes through here, so
 * values are always bound as parameters and transactions always run on a connection of their own
 * (DuckDB keeps transaction state per connection; sharing one would interleave callers).
 */
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArIntelError } from './errors.ts';

export type Params = DuckDBValue[] | Record<string, DuckDBValue>;

/**
 * What a Warehouse needs from its database: connections, and a close. A DuckDBInstance in the process that
 * opened the file; in the pipeline's worker thread, a stand-in whose connections forward to that same
 * instance (jobs/worker/), because a second instance of one file in one process would not share its state.
 */
export type WarehouseInstance = Pick<DuckDBInstance, 'connect' | 'closeSync'>;
export type JsonRow = Record<string, unknown>;

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/**
 * DuckDB refuses a write to a row another open transaction has changed ("Conflict on update/delete").
 * Nothing was written (the transaction rolled back); the caller can retry once the other one commits.
 */
function conflictError(err: unknown): unknown {
  const message = (err as Error | undefined)?.message ?? '';
  if (!/TransactionContext Error:.*[Cc]onflict/.test(message)) return err;
  return new ArIntelError(
    'CONFLICT',
    'another transaction (usually a pipeline run being published) is changing the same rows; nothing was written — retry in a moment',
    {},
    409,
  );
}

export class Warehouse {
  readonly path: string;
  private readonly instance: WarehouseInstance;
  private closed = false;
  /** Set on a scope from `inTransaction`: every query runs on this one connection, inside its transaction. */
  private readonly pinned: DuckDBConnection | undefined;
  /** First error thrown inside a nested `transaction` of a scope: the scope must not commit after it. */
  private poisoned: Error | undefined;

  private constructor(path: string, instance: WarehouseInstance, pinned?: DuckDBConnection) {
    this.path = path;
    this.instance = instance;
    this.pinned = pinned;
  }

  /** Opens (creating if needed) the database file and brings its schema up to date. */
  static async open(path: string, options: { migrate?: boolean } = {}): Promise<Warehouse> {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path);
    } catch (err) {
      const detail = (err as Error).message;
      const hint = /lock/i.test(detail)
        ? 'Another process (probably `ar-intel serve`) has it open; DuckDB allows one writer per file — stop it or run the command through the server.'
        : 'If the file is damaged, move it aside and run `ar-intel demo --load` or re-ingest your exports.';
      throw new ArIntelError('DATABASE', `cannot open the warehouse at ${path}: ${detail}. ${hint}`, { file: path }, 500);
    }
    const wh = new Warehouse(path, instance);
    if (options.migrate !== false) await wh.migrate();
    return wh;
  }

  /** A Warehouse over an instance opened elsewhere (no migration: its owner ran them). */
  static over(path: string, instance: WarehouseInstance): Warehouse {
    return new Warehouse(path, instance);
  }

  async connect(): Promise<DuckDBConnection> {
    if (this.closed) throw new ArIntelError('DATABASE', 'warehouse is closed', {}, 500);
    if (this.pinned) throw new ArIntelError('DATABASE', 'a transaction scope has one connection; use withConnection', {}, 500);
    return this.instance.connect();
  }

  async withConnection<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    if (this.pinned) {
      if (this.closed) throw new ArIntelError('DATABASE', 'the transaction scope has ended', {}, 500);
      return fn(this.pinned);
    }
    const conn = await this.connect();
    try {
      return await fn(conn);
    } finally {
      conn.closeSync();
    }
  }

  /** Rows with JSON-safe values: DECIMAL and BIGINT as strings, DATE as 'YYYY-MM-DD'. */
  async all<T extends JsonRow = JsonRow>(sql: string, params?: Params): Promise<T[]> {
    return this.withConnection(async (conn) => {
      const reader = await conn.runAndReadAll(sql, params);
      return reader.getRowObjectsJson() as T[];
    });
  }

  async one<T extends JsonRow = JsonRow>(sql: string, params?: Params): Promise<T | undefined> {
    const rows = await this.all<T>(sql, params);
    return rows[0];
  }

  async run(sql: string, params?: Params): Promise<void> {
    await this.withConnection(async (conn) => {
      await conn.run(sql, params);
    });
  }

  /**
   * Runs fn inside BEGIN/COMMIT on its own connection; any throw rolls everything back. Inside a scope
   * from `inTransaction` it joins the scope's transaction (DuckDB has no savepoints): a throw then
   * poisons the scope, so the enclosing commit refuses even if the caller swallowed the error.
   */
  async transaction<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    if (this.pinned) {
      const conn = this.pinned;
      try {
        return await fn(conn);
      } catch (err) {
        this.poisoned ??= err as Error;
        throw err;
      }
    }
    return this.withConnection(async (conn) => {
      await conn.run('begin transaction');
      try {
        const result = await fn(conn);
        await conn.run('commit');
        return result;
      } catch (err) {
        await conn.run('rollback').catch(() => undefined);
        throw conflictError(err);
      }
    });
  }

  /**
   * One transaction spanning many callers: fn gets a Warehouse whose every query (run/all/one/
   * transaction) goes through one connection inside one BEGIN … COMMIT. Its writes are invisible to
   * every other connection until fn resolves and the commit lands; a throw, or the process dying
   * first, leaves nothing behind (DuckDB discards an uncommitted transaction on recovery). Used by
   * the pipeline to publish a whole run at once.
   */
  async inTransaction<T>(fn: (scope: Warehouse) => Promise<T>): Promise<T> {
    if (this.pinned) throw new ArIntelError('DATABASE', 'transaction scopes do not nest', {}, 500);
    const conn = await this.connect();
    const scope = new Warehouse(this.path, this.instance, conn);
    try {
      await conn.run('begin transaction');
      let result: T;
      try {
        result = await fn(scope);
        if (scope.poisoned) throw scope.poisoned;
        await conn.run('commit');
      } catch (err) {
        await conn.run('rollback').catch(() => undefined);
        throw conflictError(err);
      }
      return result;
    } finally {
      scope.closed = true;
      conn.closeSync();
    }
  }

  async migrate(): Promise<number[]> {
    await this.run(`create table if not exists schema_migrations (
      version integer primary key, name varchar not null, applied_at timestamp not null)`);
    const done = new Set(
      (await this.all<{ version: number }>('select version from schema_migrations')).map((r) => Number(r.version)),
    );
    const applied: number[] = [];
    for (const m of listMigrations()) {
      if (done.has(m.version)) continue;
      await this.transaction(async (conn) => {
        await conn.run(m.sql);
        await conn.run('insert into schema_migrations values ($1, $2, $3::timestamp)', [
          m.version,
          m.name,
          new Date().toISOString(),
        ]);
      });
      applied.push(m.version);
    }
    return applied;
  }

  close(): void {
    // a scope's connection belongs to inTransaction, which closes it
    if (this.pinned) return;
    if (this.closed) return;
    this.closed = true;
    this.instance.closeSync();
  }
}

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => ({
      version: Number(f.slice(0, 4)),
      name: f.replace(/\.sql$/, ''),
      sql: readFileSync(join(dir, f), 'utf8'),
    }));
}

/** Quotes an identifier for the rare place one cannot be a bound parameter (table names in loaders). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
