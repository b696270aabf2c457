/**
 * The model DAG: every `.sql` file under staging/, intermediate/ and marts/ is one SELECT named after
 * its file. A model refers to another simply by its name; `compile` inlines the dependency closure
 * as CTEs in dependency order, so the SQL the API runs is exactly the files' text, and values are
 * always bound parameters (`$as_of`, `$base_currency`, …), never spliced in.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DuckDBValue } from '@duckdb/node-api';
import { ArIntelError } from '../core/errors.ts';
import type { JsonRow, Warehouse } from '../core/warehouse.ts';
import { ensurePersisted, PERSISTED_MODELS, PERSISTED_ORDER, type PersistedSource } from './persisted.ts';

export const MODELS_DIR = dirname(fileURLToPath(import.meta.url));
const LAYERS = ['staging', 'intermediate', 'marts'] as const;
export type Layer = (typeof LAYERS)[number];

export interface Model {
  readonly name: string;
  readonly layer: Layer;
  readonly file: string;
  readonly grain: string;
  readonly sql: string;
  readonly deps: readonly string[];
}

function stripComments(sql: string): string {
  return sql.replace(/--[^\n]*/g, '');
}

function loadModels(dir = MODELS_DIR): Map<string, Model> {
  const raw: { name: string; layer: Layer; file: string; text: string }[] = [];
  for (const layer of LAYERS) {
    for (const f of readdirSync(join(dir, layer)).filter((x) => x.endsWith('.sql')).sort()) {
      raw.push({ name: f.replace(/\.sql$/, ''), layer, file: join(layer, f), text: readFileSync(join(dir, layer, f), 'utf8') });
    }
  }
  const names = new Set(raw.map((r) => r.name));
  const models = new Map<string, Model>();
  for (const r of raw) {
    const grain = /^--\s*grain:\s*(.+)$/m.exec(r.text)?.[1]?.trim();
    if (!grain) throw new Error(`models/${r.file}: header must state the grain ("-- grain: one row per …")`);
    const body = stripComments(r.text).trim().replace(/;\s*$/, '');
    const idents = new Set(body.match(/\b[a-z_][a-z0-9_]*\b/g) ?? []);
    const deps = [...names].filter((n) => n !== r.name && idents.has(n)).sort();
    models.set(r.name, { name: r.name, layer: r.layer, file: r.file, grain, sql: body, deps });
  }
  return models;
}

let cache: Map<string, Model> | undefined;

export function models(): Map<string, Model> {
  cache ??= loadModels();
  return cache;
}

export function getModel(name: string): Model {
  const m = models().get(name);
  if (!m) throw new Error(`unknown model ${name}`);
  return m;
}

/** Swap lets a caller feed a model from an alternative with the same columns (e.g. month-end balances). */
export type Swap = Readonly<Record<string, string>>;

/**
 * Models read from their persisted table: such a model's CTE is a scan of the table and its own
 * dependencies drop out of the statement. Empty (compute everything inline) unless a caller opts in.
 */
export type Persisted = Readonly<Record<string, string>>;

/** Dependencies of `name` (transitively), in an order where each model comes after those it reads. */
export function dependencyOrder(name: string, swap: Swap = {}, persisted: Persisted = {}): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (n: string, path: string[]): void => {
    const s = state.get(n);
    if (s === 'done') return;
    if (s === 'visiting') throw new Error(`model cycle: ${[...path, n].join(' → ')}`);
    state.set(n, 'visiting');
    if (!(n in persisted) || n === name) for (const d of getModel(swap[n] ?? n).deps) visit(d, [...path, n]);
    state.set(n, 'done');
    order.push(n);
  };
  visit(name, []);
  return order;
}

function body(n: string, swap: Swap, persisted: Persisted, self: boolean): string {
  const table = persisted[n];
  return table !== undefined && !self ? `select * from ${table}` : getModel(swap[n] ?? n).sql;
}

/** One statement: dependencies as CTEs, then the model itself. */
export function compile(name: string, swap: Swap = {}, persisted: Persisted = {}): string {
  const order = dependencyOrder(name, swap, persisted);
  const ctes = order.slice(0, -1).map((n) => `${n} as (\n${body(n, swap, persisted, false)}\n)`);
  const self = body(name, swap, persisted, true);
  return ctes.length ? `with ${ctes.join(',\n')}\nselect * from (\n${self}\n) as ${name}` : self;
}

/** Canonical tables a model reads (the `from`/`join` targets of the staging models in its closure). */
export function sourceTables(name: string): string[] {
  const out = new Set<string>();
  for (const n of dependencyOrder(name)) {
    const m = getModel(n);
    if (m.layer !== 'staging') continue;
    for (const t of m.sql.matchAll(/\b(?:from|join)\s+([a-z_][a-z0-9_]*)/gi)) out.add((t[1] as string).toLowerCase());
  }
  return [...out].sort();
}

/** The persisted models a statement for `name` would read, with what is needed to (re)build them. */
export function persistedIn(name: string, swap: Swap = {}): PersistedSource[] {
  return dependencyOrder(name, swap, PERSISTED_MODELS)
    .filter((n) => n !== name && n in PERSISTED_MODELS)
    .map((n) => {
      const table = PERSISTED_MODELS[n] as string;
      return { model: n, table, sql: compile(n), sources: sourceTables(n), order: PERSISTED_ORDER[table] };
    });
}

export type ModelParams = Readonly<Record<string, DuckDBValue>>;

/**
 * Scope filters (models/scope.ts) narrow the open lines and sales to a segment, a collector or a document
 * currency. They are the only optional parameters: left out, they bind null, which means "no filter", so
 * readers that never filter (scores, worklists, the 360) need not know about them.
 */
export const OPTIONAL_PARAMS: ReadonlySet<string> = new Set(['segment', 'collector_id', 'document_currency']);

/** Binds only the parameters the statement mentions (DuckDB rejects unknown names) and insists on the rest. */
export function bindParams(sql: string, params: ModelParams): Record<string, DuckDBValue> {
  const used = new Set([...stripComments(sql).matchAll(/\$([a-z_][a-z0-9_]*)/g)].map((m) => m[1] as string));
  const out: Record<string, DuckDBValue> = {};
  for (const p of used) {
    if (!(p in params) && OPTIONAL_PARAMS.has(p)) {
      out[p] = null;
      continue;
    }
    if (!(p in params)) throw new ArIntelError('VALIDATION', `model parameter $${p} was not given`, { field: p }, 500);
    out[p] = params[p] as DuckDBValue;
  }
  return out;
}

/**
 * Runs `select <columns> from <model> [where/group/order tail]`; `tail` is fixed SQL text written in
 * the repositories (no values), everything variable is a bound parameter.
 */
export async function queryModel<T extends JsonRow = JsonRow>(
  wh: Warehouse,
  name: string,
  params: ModelParams,
  options: { select?: string; tail?: string; swap?: Swap } = {},
): Promise<T[]> {
  const persisted = persistedIn(name, options.swap);
  if (persisted.length) await ensurePersisted(wh, persisted);
  const sql = `select ${options.select ?? '*'} from (\n${compile(name, options.swap, PERSISTED_MODELS)}\n) as m ${options.tail ?? ''}`;
  return wh.all<T>(sql, bindParams(sql, params));
}
