/**
 * The API under load: a small demo warehouse served on 127.0.0.1 (ephemeral port, loopback only), autocannon
 * against the worklist, customer 360 and metrics summary while a pipeline run is in progress and collectors
 * post activities. Reports errors, lost writes (accepted activities missing from the table afterwards, or
 * from the customer 360 the API serves after the run), p99 latency, the server's event-loop delay during the
 * run, and worklist / summary throughput against a bare Fastify JSON route served by the same process.
 *
 * The API and the pipeline run live in this process, as in `ar-intel serve`: the run in a worker thread
 * (runPipelineInWorker) whose statements execute on this process's one DuckDB instance; autocannon runs in
 * child processes so the load generator does not share the server's event loop.
 * The loaded window runs twice: with the run in the serving thread (the behaviour before the worker, as the
 * baseline in this same process) and in the worker; `--baseline off` skips the first.
 * Run: `npm run bench:load [-- --customers N --seconds S --connections C --baseline on|off]`. Writes bench/results/load.json.
 */
import { execFile, execSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import { z } from 'zod';
import { buildApp } from '../api/app.ts';
import { createKey } from '../api/access/keys.ts';
import { loadConfig } from '../core/config.ts';
import { Warehouse } from '../core/warehouse.ts';
import { fillWithDemo } from '../jobs/bootstrap.ts';
import { runPipeline } from '../jobs/pipeline.ts';
import { prestartPipelineWorker, runPipelineInWorker } from '../jobs/worker/index.ts';

interface Histogram { average: number; p50: number; p99: number; max: number }
interface CannonResult { requests: Histogram; latency: Histogram; errors: number; timeouts: number; non2xx: number; '2xx': number; duration: number }
const AUTOCANNON_CLI = createRequire(import.meta.url).resolve('autocannon');

const Args = z.object({
  customers: z.coerce.number().int().min(10).max(5000).default(100),
  seconds: z.coerce.number().int().min(2).max(60).default(15),
  connections: z.coerce.number().int().min(50).max(200).default(50),
  // 'on': also a loaded window with the run in the serving thread (the pre-worker behaviour), as the baseline.
  baseline: z.enum(['on', 'off']).default('on'),
});
const { values } = parseArgs({ options: { customers: { type: 'string' }, seconds: { type: 'string' }, connections: { type: 'string' }, baseline: { type: 'string' } } });
const args = Args.parse(values);
const HOST = '127.0.0.1';
const loadAtStart = Number(loadavg()[0]?.toFixed(2));

function commitOf(): string {
  try {
    const sha = execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
    const dirty = execSync('git status --porcelain --untracked-files=no', { encoding: 'utf8' }).trim() !== '';
    return dirty ? `${sha} (uncommitted changes in the tree)` : sha;
  } catch {
    return 'unknown';
  }
}

const dir = mkdtempSync(join(tmpdir(), 'ar-intel-load-'));
const config = loadConfig({}, {
  dbPath: join(dir, 'load.duckdb'),
  logLevel: 'silent',
  auth: 'on',
  rateLimitPerMinute: 0,
  dropDir: join(dir, 'drop'),
  demoCustomers: args.customers,
  demoSeed: 11,
  schedule: 'off',
  dropPollSeconds: 0,
});

const wh = await Warehouse.open(config.dbPath);
try {
  const t0 = performance.now();
  await fillWithDemo(wh, config, () => undefined, { months: 6 });
  const first = await runPipeline(wh, config);
  if (first.status !== 'succeeded') throw new Error(`setup run failed: ${JSON.stringify(first.stages)}`);
  console.log(`setup: ${args.customers} customers, published run ${first.runId} as of ${first.asOf} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const key = await createKey(wh, { role: 'admin', label: 'bench' }, new Date().toISOString().slice(0, 19));
  const auth = { authorization: `Bearer ${key.secret}` };
  const app = await buildApp({ warehouse: wh, config }, { logger: false });
  prestartPipelineWorker(); // as `serve` does when it starts its scheduler
  await app.listen({ host: HOST, port: 0 });
  const base = `http://${HOST}:${(app.server.address() as { port: number }).port}`;

  // The ceiling: a bare Fastify JSON route in this same process and machine.
  const bare = Fastify({ logger: false });
  bare.get('/json', async () => ({ hello: 'world', items: [1, 2, 3] }));
  await bare.listen({ host: HOST, port: 0 });
  const bareUrl = `http://${HOST}:${(bare.server.address() as { port: number }).port}/json`;

  const collector = await wh.one<{ collector_id: string }>(
    `select collector_id from worklist_items where as_of = $1::date and collector_id is not null group by 1 order by count(*) desc limit 1`,
    [first.asOf],
  );
  const customer = await wh.one<{ customer_id: string }>(`select customer_id from worklist_items where as_of = $1::date order by rank limit 1`, [first.asOf]);
  if (!collector || !customer) throw new Error('the demo worklist is empty');
  const worklistUrl = `${base}/api/v1/worklists/${encodeURIComponent(collector.collector_id)}`;
  const customerUrl = `${base}/api/v1/customers/${encodeURIComponent(customer.customer_id)}`;
  const summaryUrl = `${base}/api/v1/metrics/summary`;

  // autocannon's CLI in a child process (its --json result has the same fields as the programmatic one)
  const cannon = (url: string, connections: number, seconds = args.seconds) =>
    new Promise<CannonResult>((resolve, reject) => {
      const header = url.startsWith(base) ? ['-H', `authorization=${auth.authorization}`] : [];
      execFile(
        process.execPath,
        [AUTOCANNON_CLI, '-c', String(connections), '-d', String(seconds), '-t', '30', '-j', '-n', ...header, url],
        { maxBuffer: 64 * 1024 * 1024 },
        (err, stdout, stderr) => {
          if (err) reject(new Error(`autocannon ${url}: ${err.message}\n${stderr}`));
          else resolve(JSON.parse(stdout) as CannonResult);
        },
      );
    });

  const bareAlone = await cannon(bareUrl, args.connections);
  const worklistAlone = await cannon(worklistUrl, args.connections);
  const summaryAlone = await cannon(summaryUrl, args.connections);
  const customerAlone = await cannon(customerUrl, args.connections);

  // Under load: a pipeline run, collectors posting, and readers on three endpoints at once — once with the run in
  // a worker thread (as `serve` runs it) and, as the baseline in this same process, once in the serving thread
  // (as before). The serving thread's event-loop delay is what a read waits for while the run computes; long
  // blocks are attributed to the stage running (the pipeline logs each stage as it ends; the first label also
  // covers the worker's start-up).
  const loadedWindow = async (runIn: 'worker' | 'thread') => {
    // Both windows start from a checkpointed file, so neither inherits the other's write-ahead log (DuckDB
    // checkpoints when a commit finds the log past 16 MB, holding back every other connection meanwhile).
    await wh.run('checkpoint');
    let running = true;
    // Until the drop-folder stage reports: the worker's start-up (worker mode), the stale-run check and the drop folder.
    let stage = 'start + drop-folder';
    const blocks = new Map<string, { count: number; maxMs: number; totalMs: number }>();
    let tick = performance.now();
    const ticker = setInterval(() => {
      const late = performance.now() - tick - 10;
      tick = performance.now();
      if (late < 50) return;
      const b = blocks.get(stage) ?? { count: 0, maxMs: 0, totalMs: 0 };
      blocks.set(stage, { count: b.count + 1, maxMs: Math.max(b.maxMs, Math.round(late)), totalMs: b.totalMs + Math.round(late) });
    }, 10);
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const elu0 = performance.eventLoopUtilization();
    const cpu0 = process.cpuUsage();
    const stageOrder = ['drop-folder', 'cash-application', 'models', 'scores', 'forecast', 'worklists', 'publish'];
    const log = (m: string) => {
      const done = /^\s+([a-z-]+): \d+ rows in /.exec(m)?.[1];
      const i = done ? stageOrder.indexOf(done) : -1;
      if (i >= 0) stage = stageOrder[i + 1] ?? 'publish';
    };
    let elu = elu0;
    const run = (runIn === 'worker' ? runPipelineInWorker(wh, config, { log }) : runPipeline(wh, config, { log })).finally(() => {
      running = false;
      clearInterval(ticker);
      loopDelay.disable();
      elu = performance.eventLoopUtilization(elu0);
    });
    const accepted: string[] = [];
    const writeFailures: string[] = [];
    const posters = Array.from({ length: 4 }, async (_, w) => {
      let n = 0;
      while (running || n < 10) {
        const res = await fetch(`${base}/api/v1/activities`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': `bench-${runIn}-${w}-${n}` },
          body: JSON.stringify({ customerId: customer.customer_id, type: 'note', note: `load test ${runIn} ${w}/${n}` }),
        });
        if (res.status === 201) accepted.push(((await res.json()) as { activityId: string }).activityId);
        else writeFailures.push(`${res.status} ${await res.text()}`);
        n++;
      }
    });
    const share = Math.floor(args.connections / 3);
    const [worklist, customer360, summary] = await Promise.all([
      cannon(worklistUrl, args.connections - 2 * share),
      cannon(customerUrl, share),
      cannon(summaryUrl, share),
    ]);
    const runResult = await run;
    const cpu = process.cpuUsage(cpu0);
    await Promise.all(posters);
    const stored = accepted.length === 0 ? 0 : Number(
      (await wh.one<{ n: string }>(`select count(*)::bigint as n from activities where activity_id in (select unnest(string_split($1, ',')))`, [accepted.join(',')]))?.n,
    );
    // What a reader sees after the run: every accepted note in the customer's 360 (it lists the latest 200).
    const view = (await (await fetch(customerUrl, { headers: auth })).json()) as { activities: { activityId: string }[] };
    const shown = new Set(view.activities.map((a) => a.activityId));
    const notShown = accepted.slice(-200).filter((id) => !shown.has(id)).length;
    return {
      runIn, share, worklist, customer360, summary, runResult, accepted, writeFailures, stored, notShown, blocks,
      loopDelayMs: {
        p50: Number((loopDelay.percentile(50) / 1e6).toFixed(1)),
        p99: Number((loopDelay.percentile(99) / 1e6).toFixed(1)),
        max: Number((loopDelay.max / 1e6).toFixed(1)),
      },
      // Share of the run's wall time the serving thread's loop was busy (requests + the run's work on it).
      servingThreadUtilization: Number(elu.utilization.toFixed(2)),
      processCpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(1)),
    };
  };
  const windows = args.baseline === 'on' ? [await loadedWindow('worker'), await loadedWindow('thread')] : [await loadedWindow('worker')];
  const loaded = windows[0]!;
  const { runResult } = loaded;
  await app.close();
  await bare.close();

  const row = (name: string, r: CannonResult, connections: number) => ({
    name,
    connections,
    requestsPerSec: Math.round(r.requests.average),
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    maxMs: r.latency.max,
    ok: r['2xx'],
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
  });
  const rows = [
    row('bare fastify JSON (alone)', bareAlone, args.connections),
    row('worklist (alone)', worklistAlone, args.connections),
    row('metrics summary (alone)', summaryAlone, args.connections),
    row('customer 360 (alone)', customerAlone, args.connections),
    ...windows.flatMap((w) => {
      const where = w.runIn === 'worker' ? 'run in worker' : 'run in serving thread (baseline)';
      return [
        row(`worklist (during ${where} + writes)`, w.worklist, args.connections - 2 * w.share),
        row(`customer 360 (during ${where} + writes)`, w.customer360, w.share),
        row(`metrics summary (during ${where} + writes)`, w.summary, w.share),
      ];
    }),
  ];
  const ratio = worklistAlone.requests.average / Math.max(1, bareAlone.requests.average);
  const summaryRatio = summaryAlone.requests.average / Math.max(1, bareAlone.requests.average);
  const worstP99Of = (w: typeof loaded) => Math.max(w.worklist.latency.p99, w.customer360.latency.p99, w.summary.latency.p99);
  const worstP99 = worstP99Of(loaded);
  const baseline = windows.find((w) => w.runIn === 'thread');
  const sum = (f: (w: typeof loaded) => number) => windows.reduce((n, w) => n + f(w), 0);
  const runFigures = (w: typeof loaded) => ({
    pipelineRun: { status: w.runResult.status, seconds: Number((w.runResult.ms / 1000).toFixed(1)) },
    readP99DuringRunMs: worstP99Of(w),
    eventLoopDelayDuringRunMs: w.loopDelayMs,
    servingThreadUtilizationDuringRun: w.servingThreadUtilization,
    processCpuSecondsDuringRun: w.processCpuSeconds,
    writesAccepted: w.accepted.length,
    writesNotShownByApi: w.notShown,
    eventLoopBlocksOver50MsByStage: Object.fromEntries(w.blocks),
  });
  const totals = {
    // The run as `serve` runs it (in a worker thread); the write counts below are over every window.
    ...runFigures(loaded),
    errors: rows.reduce((s, r) => s + r.errors + r.timeouts + r.non2xx, 0),
    // An endpoint that completed nothing within the window is not "zero errors": it is not measured.
    unmeasured: rows.filter((r) => r.ok === 0).map((r) => r.name),
    writesAccepted: sum((w) => w.accepted.length),
    writesFailed: sum((w) => w.writeFailures.length),
    writesLost: sum((w) => w.accepted.length - w.stored),
    writesNotShownByApi: sum((w) => w.notShown),
    worklistVsBare: Number(ratio.toFixed(3)),
    worklistTargetMet: ratio >= 0.5,
    summaryVsBare: Number(summaryRatio.toFixed(3)),
    summaryTargetMet: summaryRatio >= 0.5,
    readP99TargetMet: worstP99 <= 50,
    // …and the same run in the serving thread, under the same load in this process (omitted with --baseline off).
    ...(baseline ? { runInServingThreadBaseline: runFigures(baseline) } : {}),
  };
  const out = {
    at: new Date().toISOString(),
    commit: commitOf(),
    machine: {
      cpus: availableParallelism(),
      cpu: cpus()[0]?.model ?? 'unknown',
      memoryGb: Number((totalmem() / 2 ** 30).toFixed(1)),
      loadavg1AtStart: loadAtStart,
      loadavg1: Number(loadavg()[0]?.toFixed(2)),
      node: process.version,
    },
    args,
    rows,
    totals,
  };
  mkdirSync(new URL('results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('results/load.json', import.meta.url), `${JSON.stringify(out, null, 2)}\n`);
  console.table(rows);
  console.log(
    `errors ${totals.errors}, writes accepted ${totals.writesAccepted}, failed ${totals.writesFailed}, lost ${totals.writesLost}; ` +
      `pipeline ${runResult.status} in ${totals.pipelineRun.seconds} s; worklist/bare = ${(ratio * 100).toFixed(0)} %, summary/bare = ${(summaryRatio * 100).toFixed(0)} % (target ≥ 50 %); ` +
      `worst read p99 during the run ${worstP99} ms (target ≤ 50); event-loop delay during the run p99 ${totals.eventLoopDelayDuringRunMs.p99} ms, max ${totals.eventLoopDelayDuringRunMs.max} ms`,
  );
  console.log('event-loop blocks over 50 ms during the run, by stage:', JSON.stringify(totals.eventLoopBlocksOver50MsByStage));
  console.log(`serving thread busy ${(loaded.servingThreadUtilization * 100).toFixed(0)} % of the run; process CPU during the run ${loaded.processCpuSeconds} s`);
  if (baseline) {
    const b = runFigures(baseline);
    console.log(
      `baseline, the same run in the serving thread: pipeline ${b.pipelineRun.status} in ${b.pipelineRun.seconds} s; worst read p99 ${b.readP99DuringRunMs} ms; ` +
        `event-loop delay p99 ${b.eventLoopDelayDuringRunMs.p99} ms, max ${b.eventLoopDelayDuringRunMs.max} ms; serving thread busy ${(baseline.servingThreadUtilization * 100).toFixed(0)} %; ` +
        `process CPU ${baseline.processCpuSeconds} s; blocks over 50 ms by stage: ${JSON.stringify(b.eventLoopBlocksOver50MsByStage)}`,
    );
  }
  if (totals.writesNotShownByApi > 0) console.log(`${totals.writesNotShownByApi} accepted notes missing from the customer 360 served after a run`);
  const firstFailure = windows.flatMap((w) => w.writeFailures)[0];
  if (firstFailure !== undefined) console.log('first write failure:', firstFailure);
  if (totals.unmeasured.length > 0) console.log(`no request completed within ${args.seconds} s: ${totals.unmeasured.join(', ')}`);
  if (totals.errors > 0 || totals.writesLost > 0 || totals.writesNotShownByApi > 0 || totals.writesFailed > 0 || totals.unmeasured.length > 0) process.exitCode = 1;
} finally {
  wh.close();
  rmSync(dir, { recursive: true, force: true });
}
