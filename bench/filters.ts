/**
 * `node bin/run-ts.mjs bench/filters.ts [--db FILE | --invoices N] [--iterations K]`: what the CFO filters cost.
 * In-process (`inject`) p50/p99 of GET /metrics/summary, /metrics/aging and /metrics/trend with a segment filter
 * against the same route unfiltered, requests interleaved (unfiltered, filtered, unfiltered, …) so the machine's
 * load hits both alike, plus GET /disputes/causes; /healthz of the same app is the floor. Wall and CPU time
 * (process.cpuUsage: every thread, DuckDB's included) per case, load average at start and end.
 *
 * Every request asks a new question (a different as-of date, or `from` for the trend) so the API's read cache
 * never answers. A filtered trend computes the cut's monthly history once per (data, as-of, cut) and keeps it:
 * its first request per segment is reported on its own ("cold"), the rest are the memoised answer ("warm").
 *
 * Without --db it generates the demo at --invoices (default 1M), loads it through ingest and runs the `models`
 * stage (the stored whole-book history the unfiltered trend reads); the temp dir is removed afterwards. Writes
 * bench/results/filters.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { buildApp, type App } from '../api/app.ts';
import { addDays, latestDataDate } from '../core/as-of.ts';
import { loadConfig } from '../core/config.ts';
import { Warehouse } from '../core/warehouse.ts';
import { runPipeline } from '../jobs/pipeline.ts';
import { modelsStage } from '../models/stage.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'bin', 'ar-intel.mjs');

const args = z
  .object({
    db: z.string().min(1).optional(),
    invoices: z.coerce.number().int().min(5_000).max(20_000_000).default(1_000_000),
    iterations: z.coerce.number().int().min(5).max(5_000).default(40),
  })
  .parse(parseArgs({ options: { db: { type: 'string' }, invoices: { type: 'string' }, iterations: { type: 'string' } } }).values);

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const quantile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
const load = () => round(loadavg()[0] ?? 0);

interface Sample {
  ms: number[];
  cpuMs: number;
}

async function timed(app: App, url: string, into: Sample): Promise<void> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const res = await app.inject({ method: 'GET', url });
  into.ms.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  into.cpuMs += (c.user + c.system) / 1000;
  if (res.statusCode !== 200) throw new Error(`${url} → ${res.statusCode}: ${res.body.slice(0, 300)}`);
  if (res.headers['x-ar-intel-cache'] === 'hit') throw new Error(`${url} was answered by the read cache; the bench must ask new questions`);
}

const stats = (s: Sample) => {
  const sorted = [...s.ms].sort((a, b) => a - b);
  return { n: sorted.length, p50: round(quantile(sorted, 0.5)), p99: round(quantile(sorted, 0.99)), cpuMsPerRequest: round(s.cpuMs / Math.max(1, sorted.length)) };
};

const started = new Date().toISOString();
const loadAtStart = load();
const dir = mkdtempSync(join(tmpdir(), 'ar-intel-bench-filters-'));
try {
  const dbPath = args.db ? resolve(args.db) : join(dir, 'filters.duckdb');
  if (!args.db) {
    const customers = Math.max(50, Math.round(args.invoices / 42));
    console.log(`generating and loading the demo: ${args.invoices} invoices, ${customers} customers`);
    const gen = spawnSync(process.execPath, [CLI, '--db', dbPath, 'demo', '--customers', String(customers), '--invoices', String(args.invoices), '--out', join(dir, 'demo'), '--load'], { stdio: 'inherit' });
    if (gen.status !== 0) throw new Error('demo generation failed');
  }
  const wh = await Warehouse.open(dbPath);
  const config = { ...loadConfig({ ...process.env, AR_INTEL_DB: dbPath }), auth: 'off' as const };
  const history = Number((await wh.one<{ n: string }>('select count(*) as n from mart_metric_history'))?.n ?? 0);
  if (history === 0) {
    console.log('no stored metric history: running the models stage');
    const c0 = process.cpuUsage();
    const run = await runPipeline(wh, config, { stages: [modelsStage], log: (m) => console.log(m) });
    const c = process.cpuUsage(c0);
    if (run.status !== 'succeeded') throw new Error(`models stage failed: ${JSON.stringify(run.stages)}`);
    console.log(`models stage: ${round(run.ms / 1000)} s wall, ${round((c.user + c.system) / 1e6)} CPU s`);
  }
  const invoices = Number((await wh.one<{ n: string }>('select count(*) as n from invoices'))?.n ?? 0);
  const app = await buildApp({ warehouse: wh, config }, { logger: false });
  await app.ready();

  const options = (await app.inject({ method: 'GET', url: '/api/v1/metrics/filters' })).json() as { segments: string[] };
  const segments = options.segments;
  if (!segments.length) throw new Error('the warehouse has no customer segments to filter by');
  const dataEnd = await latestDataDate(wh);
  const firstDate = (await wh.one<{ d: string }>('select min(invoice_date)::varchar as d from invoices'))?.d ?? dataEnd;
  const span = Math.max(1, Math.round((Date.parse(dataEnd) - Date.parse(firstDate)) / 86_400_000) - 120);
  // arbitrary dates spread over the history, deterministic, never the same twice in a run of < span requests
  const asOfAt = (i: number) => addDays(firstDate, 120 + ((i * 7919) % span));
  // the trend answers month-ends from `from`: a different day each request is a different URL, about the same work
  const fromAt = (i: number) => addDays(firstDate, i);
  const segmentAt = (i: number) => encodeURIComponent(segments[i % segments.length] as string);
  console.log(`${invoices} invoices, segments ${segments.join(', ')}, ${args.iterations} iterations, load ${loadAtStart}`);

  const cases: { name: string; whole: (i: number) => string; cut: (i: number) => string }[] = [
    { name: 'GET /api/v1/metrics/summary', whole: (i) => `/api/v1/metrics/summary?asOf=${asOfAt(i)}`, cut: (i) => `/api/v1/metrics/summary?asOf=${asOfAt(i)}&segment=${segmentAt(i)}` },
    { name: 'GET /api/v1/metrics/aging (groupBy customer)', whole: (i) => `/api/v1/metrics/aging?asOf=${asOfAt(i)}`, cut: (i) => `/api/v1/metrics/aging?asOf=${asOfAt(i)}&segment=${segmentAt(i)}` },
    { name: 'GET /api/v1/disputes/causes (12 months)', whole: (i) => `/api/v1/disputes/causes?to=${asOfAt(i)}`, cut: (i) => `/api/v1/disputes/causes?to=${asOfAt(i)}&segment=${segmentAt(i)}` },
  ];
  const results: Record<string, unknown>[] = [];
  const floor: Sample = { ms: [], cpuMs: 0 };
  for (let i = 0; i < args.iterations; i++) await timed(app, `/healthz?i=${i}`, floor);
  const healthz = stats(floor);
  console.log(`GET /healthz: p50 ${healthz.p50} ms, p99 ${healthz.p99} ms`);

  const report = (name: string, whole: Sample, cut: Sample, note?: string) => {
    const w = stats(whole);
    const f = stats(cut);
    const row = { name, unfiltered: w, segment: f, ratioP50: round(f.p50 / w.p50, 2), ratioP99: round(f.p99 / w.p99, 2), ratioCpu: round(f.cpuMsPerRequest / w.cpuMsPerRequest, 2), ...(note ? { note } : {}) };
    results.push(row);
    console.log(`${name}: unfiltered p50 ${w.p50} / p99 ${w.p99} ms (${w.cpuMsPerRequest} CPU ms/req); segment p50 ${f.p50} / p99 ${f.p99} ms (${f.cpuMsPerRequest} CPU ms/req); ratio p50 ${row.ratioP50}, p99 ${row.ratioP99}, CPU ${row.ratioCpu}`);
  };

  for (const c of cases) {
    const whole: Sample = { ms: [], cpuMs: 0 };
    const cut: Sample = { ms: [], cpuMs: 0 };
    // two warm-up pairs (first compile, persisted segments), then interleaved pairs
    for (let i = -2; i < args.iterations; i++) {
      const k = i + 2 + 1000;
      const [w, f] = i < 0 ? [{ ms: [], cpuMs: 0 }, { ms: [], cpuMs: 0 }] : [whole, cut];
      await timed(app, c.whole(k), w);
      await timed(app, c.cut(k), f);
    }
    report(c.name, whole, cut);
  }

  // trend: the whole book reads the stored history; a cut computes its own once, then answers from memory
  const cold: Sample = { ms: [], cpuMs: 0 };
  for (let s = 0; s < segments.length; s++) await timed(app, `/api/v1/metrics/trend?metric=dso_countback&from=${fromAt(s)}&segment=${segmentAt(s)}`, cold);
  const coldStats = stats(cold);
  const wholeTrend: Sample = { ms: [], cpuMs: 0 };
  const cutTrend: Sample = { ms: [], cpuMs: 0 };
  for (let i = 0; i < args.iterations; i++) {
    const k = i + segments.length;
    await timed(app, `/api/v1/metrics/trend?metric=dso_countback&from=${fromAt(k)}`, wholeTrend);
    await timed(app, `/api/v1/metrics/trend?metric=dso_countback&from=${fromAt(k)}&segment=${segmentAt(k)}`, cutTrend);
  }
  const coldNote = `first request per segment (computes the cut's 24+ month history): ${cold.ms.map((m) => round(m)).join(', ')} ms, ${coldStats.cpuMsPerRequest} CPU ms each`;
  report('GET /api/v1/metrics/trend (warm: memoised cut history)', wholeTrend, cutTrend, coldNote);
  console.log(`  ${coldNote}`);

  await app.close();
  wh.close();
  const out = {
    started,
    finished: new Date().toISOString(),
    command: `node bin/run-ts.mjs bench/filters.ts ${process.argv.slice(2).join(' ')}`.trim(),
    machine: { cores: availableParallelism(), cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version, loadAverageAtStart: loadAtStart, loadAverageAtEnd: load() },
    invoices,
    segments,
    iterations: args.iterations,
    healthz,
    results,
    trendCold: { ...coldStats, ms: cold.ms.map((m) => round(m)) },
  };
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'results', 'filters.json'), `${JSON.stringify(out, null, 2)}\n`);
  console.log(`load average ${loadAtStart} at start, ${out.machine.loadAverageAtEnd} at end; wrote bench/results/filters.json`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
