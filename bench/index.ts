/**
 * `npm run bench [-- --invoices N] [--camt-entries N] [--http-seconds S] [--connections C] [--iterations K]
 * [--skip ingest,camt,run,queries,http,worklist] [--cash-application] [--db FILE] [--worklist-invoices N] [--collectors K]`: the performance figures of issue 11, each next to a
 * baseline measured in the same process on the same machine, with the machine and commit recorded. Writes
 * bench/results/bench-<invoices>.json, bench/results/latest.json and bench/results/latest.md. Never part of
 * `npm test`. The issue's 1M / 10M invoice scales are `--invoices 1000000` / `--invoices 10000000`; the default
 * (200k) is what a shared 2-core machine affords in a few minutes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { z } from 'zod';
import { buildApp } from '../api/app.ts';
import { addDays, latestDataDate } from '../core/as-of.ts';
import { loadConfig } from '../core/config.ts';
import { Warehouse, quoteIdent } from '../core/warehouse.ts';
import { parseCamt } from '../ingest/bank/camt.ts';
import { XmlStreamReader } from '../ingest/bank/xml-stream.ts';
import { ingestFiles } from '../ingest/index.ts';
import { benchWorklists } from './worklist.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS = join(ROOT, 'bench', 'results');
const CLI = join(ROOT, 'bin', 'ar-intel.mjs');
const SECTIONS = ['ingest', 'camt', 'run', 'queries', 'http', 'worklist'] as const;
type Section = (typeof SECTIONS)[number];

const { values } = parseArgs({
  options: {
    invoices: { type: 'string' },
    'camt-entries': { type: 'string' },
    'http-seconds': { type: 'string' },
    connections: { type: 'string' },
    iterations: { type: 'string' },
    skip: { type: 'string' },
    'cash-application': { type: 'boolean' },
    db: { type: 'string' },
    'worklist-invoices': { type: 'string' },
    collectors: { type: 'string' },
  },
});
const parsed = z
  .object({
    invoices: z.coerce.number().int().min(5_000).max(20_000_000).default(200_000),
    'camt-entries': z.coerce.number().int().min(1_000).max(5_000_000).default(100_000),
    'http-seconds': z.coerce.number().int().min(1).max(120).default(5),
    connections: z.coerce.number().int().min(1).max(256).default(10),
    iterations: z.coerce.number().int().min(5).max(10_000).default(40),
    skip: z
      .string()
      .optional()
      .transform((s) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : []))
      .pipe(z.array(z.enum(SECTIONS))),
    'cash-application': z.boolean().default(false),
    db: z.string().min(1).optional(),
    // issue 8: all worklists for 1M open invoices and 500 collectors
    'worklist-invoices': z.coerce.number().int().min(10_000).max(20_000_000).default(1_000_000),
    collectors: z.coerce.number().int().min(1).max(100_000).default(500),
  })
  .safeParse(values);
if (!parsed.success) {
  console.error(`error: ${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')}`);
  process.exit(2);
}
const args = parsed.data;
const wants = (s: Section) => !args.skip.includes(s);

// ---------------------------------------------------------------- machine and commit
const git = (a: string[]) => spawnSync('git', a, { cwd: ROOT, encoding: 'utf8' }).stdout?.trim() ?? '';
const machine = {
  cores: availableParallelism(),
  cpuModel: cpus()[0]?.model ?? 'unknown',
  memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
  loadAverageAtStart: Math.round((loadavg()[0] ?? 0) * 10) / 10,
};
const commit = { sha: git(['rev-parse', '--short', 'HEAD']) || 'unknown', dirty: git(['status', '--porcelain', '--untracked-files=no']) !== '' };
const started = new Date().toISOString();

interface Figure {
  readonly section: Section | 'cash-application';
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly baselineName: string;
  readonly baseline: number | null;
  /** value ÷ baseline, in the direction stated by `target`. */
  readonly ratio: number | null;
  readonly target: string | null;
  readonly met: boolean | null;
  readonly note?: string;
}
const figures: Figure[] = [];
const extra: Record<string, unknown> = {};
/** Figures that could not be measured, with the reason (an endpoint failing is reported, not hidden). */
const failures: string[] = [];
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;
function record(f: Omit<Figure, 'ratio' | 'met'> & { ratio?: number | null; met?: boolean | null }): void {
  const ratio = f.ratio !== undefined ? f.ratio : f.baseline ? f.value / f.baseline : null;
  const full: Figure = { ...f, value: round(f.value), baseline: f.baseline === null ? null : round(f.baseline), ratio: ratio === null ? null : round(ratio), met: f.met ?? null };
  figures.push(full);
  console.log(`  ${full.name}: ${full.value} ${full.unit}  (baseline ${full.baselineName}: ${full.baseline ?? '–'}; ratio ${full.ratio ?? '–'}${full.target ? `; target ${full.target} → ${full.met ? 'met' : 'NOT met'}` : ''})`);
}
const seconds = async <T>(fn: () => Promise<T> | T): Promise<[T, number]> => {
  const t0 = performance.now();
  const out = await fn();
  return [out, (performance.now() - t0) / 1000];
};
function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

const dir = mkdtempSync(join(tmpdir(), 'ar-intel-bench-'));
// --db: measure run/queries/http on an existing warehouse instead of generating one (ingest is then skipped)
const dbPath = args.db ? resolve(args.db) : join(dir, 'bench.duckdb');
console.log(`bench: ${args.invoices} invoices, machine ${machine.cores} cores / ${machine.memoryGb} GB (${machine.cpuModel}), load ${machine.loadAverageAtStart}, commit ${commit.sha}${commit.dirty ? ' (dirty)' : ''}`);

try {
  // ---------------------------------------------------------------- data: the demo generator at the requested scale
  const needData = !args.db && (wants('ingest') || wants('run') || wants('queries') || wants('http'));
  let csvReadSeconds: number | null = null;
  if (needData) {
    // the demo's behavioural model orders about 42 invoices per customer over its 26 months
    const customers = Math.max(50, Math.round(args.invoices / 42));
    const demoDir = join(dir, 'demo');
    const [gen, genSeconds] = await seconds(() =>
      spawnSync(process.execPath, [CLI, '--db', join(dir, 'unused.duckdb'), 'demo', '--customers', String(customers), '--invoices', String(args.invoices), '--out', demoDir], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 }),
    );
    if (gen.status !== 0) throw new Error(`demo generation failed:\n${gen.stdout}${gen.stderr}`);
    const files = readdirSync(demoDir).filter((f) => f.endsWith('.csv')).map((f) => join(demoDir, f));
    const bytes = files.reduce((s, f) => s + readFileSync(f).byteLength, 0);
    extra.data = { customers, files: files.length, megabytes: round(bytes / 2 ** 20, 1), generateSeconds: round(genSeconds, 1) };
    console.log(`data: ${files.length} canonical CSVs, ${round(bytes / 2 ** 20, 1)} MB, generated in ${round(genSeconds, 1)} s`);

    // Baseline first: DuckDB reading the same files into tables with nothing else (types sniffed, no checks).
    const baseWh = await Warehouse.open(join(dir, 'baseline.duckdb'), { migrate: false });
    const [, baseSeconds] = await seconds(async () => {
      let i = 0;
      for (const f of files) await baseWh.run(`create table ${quoteIdent(`b${i++}`)} as select * from read_csv($1)`, [f]);
    });
    baseWh.close();
    csvReadSeconds = baseSeconds;

    const wh = await Warehouse.open(dbPath);
    const [results, ingestSeconds] = await seconds(() => ingestFiles(wh, files));
    const rows = results.reduce((s, r) => s + Number((r as { rowsLoaded?: number }).rowsLoaded ?? 0), 0);
    const invoices = Number((await wh.one<{ n: string }>('select count(*) as n from invoices'))?.n ?? 0);
    extra.warehouse = { invoices, rowsLoaded: rows };
    wh.close();
    if (wants('ingest')) {
      console.log('ingest');
      record({ section: 'ingest', name: `canonical CSV load (${invoices} invoices, all ${files.length} files)`, value: ingestSeconds, unit: 's', baselineName: 'DuckDB create table as select * from read_csv, same files', baseline: baseSeconds, target: '≤ 1.5×', met: ingestSeconds / baseSeconds <= 1.5 });
    }
  }

  // ---------------------------------------------------------------- camt.053 parse rate
  if (wants('camt')) {
    console.log('camt.053');
    const fixture = readFileSync(resolve(ROOT, '..', 'shared', 'fixtures', 'bank', 'camt053', 'viafintech-v08-ch-ubs-invoice-ref-fx.xml'), 'utf8');
    const first = fixture.indexOf('<Ntry>');
    const last = fixture.lastIndexOf('</Ntry>') + '</Ntry>'.length;
    const entry = fixture.slice(first, fixture.indexOf('</Ntry>', first) + '</Ntry>'.length);
    if (first < 0) throw new Error('camt fixture has no <Ntry> to replicate');
    // one real entry repeated with unique references (NtryRef is Ntry's first child): the parse work per entry is that of a real bank entry
    const body = entry.replace(/<NtryRef>[^<]*<\/NtryRef>\s*/, '').slice('<Ntry>'.length);
    const parts: string[] = [fixture.slice(0, first)];
    for (let i = 0; i < args['camt-entries']; i++) parts.push(`<Ntry><NtryRef>BENCH${i}</NtryRef>${body}`);
    parts.push(fixture.slice(last));
    const xml = Buffer.from(parts.join('\n'), 'utf8');
    const bytes = new Uint8Array(xml.buffer, xml.byteOffset, xml.byteLength);
    const [, readSeconds] = await seconds(() => {
      // the floor: the same streaming XML reader with every entry dropped unconverted
      const reader = new XmlStreamReader((name) => name === 'Ntry');
      const text = new TextDecoder('utf-8').decode(bytes);
      for (let i = 0; i < text.length; i += 4 * 2 ** 20) {
        // cut just before a tag, as the camt reader does
        const end = Math.min(text.length, i + 4 * 2 ** 20);
        const cut = end === text.length ? end : text.lastIndexOf('<', end);
        reader.feed(text.slice(i, cut));
        i = cut - 4 * 2 ** 20;
      }
      reader.finish();
    });
    const cpu0 = process.cpuUsage();
    const [parsedFile, parseSeconds] = await seconds(() => parseCamt(bytes, 'bench.xml'));
    const cpu = process.cpuUsage(cpu0);
    const entries = parsedFile.statements.reduce((s, st) => s + st.entries.length, 0);
    if (entries < args['camt-entries']) throw new Error(`camt parse returned ${entries} entries, expected at least ${args['camt-entries']}`);
    extra.camt = { entries, megabytes: round(bytes.byteLength / 2 ** 20, 1), cpuSeconds: round((cpu.user + cpu.system) / 1e6, 2) };
    record({ section: 'camt', name: `camt.053 parse (${entries} entries, ${round(bytes.byteLength / 2 ** 20, 1)} MB)`, value: entries / parseSeconds, unit: 'entries/s', baselineName: 'XML stream reader alone, entries dropped (entries/s)', baseline: entries / readSeconds, target: '≥ 50000 entries/s', met: entries / parseSeconds >= 50_000, note: `${round(entries / ((cpu.user + cpu.system) / 1e6))} entries per CPU-second` });
  }

  // ---------------------------------------------------------------- the batch pipeline, in its own process
  if (wants('run') && existsSync(dbPath)) {
    console.log('ar-intel run');
    const timed = spawnSync('/usr/bin/time', ['-f', 'maxrss_kb=%M', process.execPath, CLI, '--db', dbPath, 'run'], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
    const haveTime = timed.error === undefined;
    const [proc, runSeconds] = haveTime
      ? [timed, Number.NaN]
      : await seconds(() => spawnSync(process.execPath, [CLI, '--db', dbPath, 'run'], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 }));
    if (proc.status !== 0) throw new Error(`ar-intel run failed:\n${proc.stdout}${proc.stderr}`);
    const rss = /maxrss_kb=(\d+)/.exec(proc.stderr ?? '');
    const wh = await Warehouse.open(dbPath);
    const stages = await wh.all<{ stage: string; status: string; rows: string | null; seconds: number }>(
      `select s.stage, s.status, s.rows, date_diff('millisecond', s.started_at, s.finished_at) / 1000.0 as seconds
       from pipeline_stage_runs s where s.run_id = (select max(run_id) from pipeline_runs) order by s.seq`,
    );
    const total = await wh.one<{ seconds: number }>(`select date_diff('millisecond', started_at, finished_at) / 1000.0 as seconds from pipeline_runs where run_id = (select max(run_id) from pipeline_runs)`);
    wh.close();
    const totalSeconds = Number(total?.seconds ?? runSeconds);
    const base = csvReadSeconds;
    record({ section: 'run', name: 'ar-intel run, total (pipeline_runs)', value: totalSeconds, unit: 's', baselineName: 'DuckDB reading the canonical CSVs once', baseline: base, target: null });
    for (const s of stages) record({ section: 'run', name: `  stage ${s.stage} (${s.status}, ${s.rows ?? 0} rows)`, value: Number(s.seconds), unit: 's', baselineName: 'DuckDB reading the canonical CSVs once', baseline: base, target: null });
    if (rss) record({ section: 'run', name: 'ar-intel run, peak RSS', value: Number(rss[1]) / 1024, unit: 'MB', baselineName: 'machine memory (MB)', baseline: machine.memoryGb * 1024, target: null });
  }

  // ---------------------------------------------------------------- API: in-process (inject) and over HTTP
  if ((wants('queries') || wants('http')) && existsSync(dbPath)) {
    const wh = await Warehouse.open(dbPath);
    const config = { ...loadConfig({ ...process.env, AR_INTEL_DB: dbPath }), auth: 'off' as const };
    const app = await buildApp({ warehouse: wh, config }, { logger: false });
    await app.ready();
    const dataEnd = await latestDataDate(wh);
    const firstDate = (await wh.one<{ d: string }>('select min(invoice_date)::varchar as d from invoices'))?.d ?? dataEnd;
    const customerIds = (await wh.all<{ id: string }>('select customer_id as id from customers order by hash(customer_id) limit 200')).map((r) => r.id);
    const collector = (await wh.one<{ id: string | null }>('select collector_id as id from worklist_items group by all order by count(*) desc limit 1').catch(() => null))?.id ?? null;
    const span = Math.max(1, Math.round((Date.parse(dataEnd) - Date.parse(firstDate)) / 86_400_000) - 120);
    // arbitrary as-of dates spread over the history (deterministic), so no two requests ask the same question
    const asOfAt = (i: number) => addDays(firstDate, 120 + ((i * 7919) % span));

    if (wants('queries')) {
      console.log('queries (in-process inject)');
      const latency = async (make: (i: number) => string): Promise<{ p50: number; p99: number; status: number }> => {
        const times: number[] = [];
        let status = 0;
        for (let i = -3; i < args.iterations; i++) {
          const t0 = performance.now();
          const res = await app.inject({ method: 'GET', url: make(i + 3) });
          const ms = performance.now() - t0;
          status = res.statusCode;
          if (res.statusCode !== 200) throw new Error(`${make(i + 3)} → ${res.statusCode}: ${res.body.slice(0, 300)}`);
          if (i >= 0) times.push(ms);
        }
        times.sort((a, b) => a - b);
        return { p50: quantile(times, 0.5), p99: quantile(times, 0.99), status };
      };
      const health = await latency(() => '/healthz');
      const cases: [string, (i: number) => string][] = [
        ['GET /api/v1/metrics/summary (arbitrary as-of)', (i) => `/api/v1/metrics/summary?asOf=${asOfAt(i)}`],
        ['GET /api/v1/metrics/aging (arbitrary as-of)', (i) => `/api/v1/metrics/aging?asOf=${asOfAt(i)}`],
        ['GET /api/v1/customers/:id (customer 360)', (i) => `/api/v1/customers/${encodeURIComponent(customerIds[i % customerIds.length] ?? '')}`],
      ];
      if (collector) cases.push([`GET /api/v1/worklists/:collectorId (page of 50)`, (i) => `/api/v1/worklists/${encodeURIComponent(collector)}?page=${1 + (i % 3)}&pageSize=50`]);
      else extra.worklistNote = 'no worklist items in the warehouse: worklist latency not measured';
      for (const [name, make] of cases) {
        const l = await latency(make).catch((err: Error) => {
          failures.push(`${name}: ${err.message}`);
          return null;
        });
        if (!l) continue;
        record({ section: 'queries', name: `${name} p50`, value: l.p50, unit: 'ms', baselineName: 'GET /healthz p50 (same app)', baseline: health.p50, target: null });
        record({ section: 'queries', name: `${name} p99`, value: l.p99, unit: 'ms', baselineName: 'GET /healthz p99 (same app)', baseline: health.p99, target: null });
      }
    }

    if (wants('http')) {
      console.log(`http (autocannon, 127.0.0.1, ${args.connections} connections, ${args['http-seconds']} s each)`);
      const bare = Fastify({ logger: false });
      bare.get('/bare', async () => ({ ok: true, items: [{ id: 'C0000001', amount: '100.00' }] }));
      const bareUrl = await bare.listen({ host: '127.0.0.1', port: 0 });
      const appUrl = await app.listen({ host: '127.0.0.1', port: 0 });
      const cannon = async (url: string): Promise<{ rps: number; p99: number; non2xx: number }> => {
        const r = await autocannon({ url, connections: args.connections, duration: args['http-seconds'] });
        return { rps: r.requests.average, p99: r.latency.p99, non2xx: r.non2xx + r.errors };
      };
      const bareR = await cannon(`${bareUrl}/bare`);
      const targets: [string, string][] = [['GET /api/v1/metrics/summary', `${appUrl}/api/v1/metrics/summary?asOf=${asOfAt(1)}`]];
      if (collector) targets.push(['GET /api/v1/worklists/:collectorId', `${appUrl}/api/v1/worklists/${encodeURIComponent(collector)}?pageSize=50`]);
      for (const [name, url] of targets) {
        const r = await cannon(url);
        if (r.non2xx) {
          failures.push(`${name}: ${r.non2xx} non-2xx responses or errors under load`);
          continue;
        }
        record({ section: 'http', name: `${name} throughput (p99 ${r.p99} ms)`, value: r.rps, unit: 'req/s', baselineName: `bare Fastify JSON route (p99 ${bareR.p99} ms)`, baseline: bareR.rps, target: '≥ 50% of bare', met: r.rps / bareR.rps >= 0.5 });
      }
      await bare.close();
    }
    await app.close();
    wh.close();
  }

  // ---------------------------------------------------------------- worklists (bench/worklist.ts), on their own synthetic warehouse
  if (wants('worklist')) {
    const n = args['worklist-invoices'];
    console.log(`worklists (${n} open invoices, ${args.collectors} collectors)`);
    // ten open invoices per customer, a daily capacity of 40 calls per collector
    const r = await benchWorklists(dir, { asOf: '2026-10-30', openInvoices: n, customers: Math.round(n / 10), collectors: args.collectors, dailyCapacity: 40 });
    extra.worklist = r;
    const p = r.phases;
    record({
      section: 'worklist', name: `all worklists: ${r.openLines} open invoices, ${r.customersListed} customers, ${args.collectors} collectors (read ${round(p.readSeconds, 1)} / rank ${round(p.rankSeconds, 1)} / write ${round(p.writeSeconds, 1)} s)`,
      value: r.buildSeconds, unit: 's', baselineName: 'raw DuckDB: one statement summing, packing and ranking the same open items per collector', baseline: r.baselineSeconds, target: '< 30 s', met: r.buildSeconds < 30,
      note: `${r.onCollectorLists} on collector lists, ${r.inTeamQueue} in the team queue, peak RSS ${r.peakRssMb} MB`,
    });
    record({ section: 'worklist', name: 'all worklists, CPU time (user + system, all threads)', value: r.buildCpuSeconds, unit: 'CPU s', baselineName: 'raw DuckDB statement, CPU time', baseline: r.baselineCpuSeconds, target: null });
  }

  // ---------------------------------------------------------------- cash application (bench/cash-application.ts)
  if (args['cash-application']) {
    console.log('cash application (bench/cash-application.ts, its defaults)');
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'run-ts.mjs'), join(ROOT, 'bench', 'cash-application.ts')], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('bench/cash-application.ts failed');
  }
  const cashFile = join(RESULTS, 'cash-application.json');
  if (existsSync(cashFile)) extra.cashApplication = JSON.parse(readFileSync(cashFile, 'utf8')) as unknown;
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// ---------------------------------------------------------------- results
// a run of the worklist section alone is labelled by its own scale (it does not use --invoices)
const onlyWorklist = SECTIONS.every((x) => x === 'worklist' || !wants(x)) && wants('worklist');
const scaleLabel = onlyWorklist ? `worklist-${args['worklist-invoices']}` : args.db ? 'existing-db' : String(args.invoices);
const report = { failures, started, finished: new Date().toISOString(), scale: { invoices: args.db ? `existing warehouse ${args.db}` : args.invoices, camtEntries: args['camt-entries'] }, machine: { ...machine, loadAverageAtEnd: round(loadavg()[0] ?? 0, 1) }, commit, command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(), figures, extra };
mkdirSync(RESULTS, { recursive: true });
writeFileSync(join(RESULTS, `bench-${scaleLabel}.json`), `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(join(RESULTS, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
const md = [
  `# Benchmark results`,
  '',
  `Measured ${report.started} with \`${report.command}\` at commit \`${commit.sha}\`${commit.dirty ? ' (with uncommitted changes)' : ''}.`,
  `Machine: ${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGb} GB memory, Node ${machine.node}, ${machine.platform};`,
  `load average ${machine.loadAverageAtStart} at start, ${report.machine.loadAverageAtEnd} at end (the machine is shared).`,
  '',
  '| section | figure | value | unit | baseline (same process) | baseline value | ratio | target | met |',
  '|---|---|---:|---|---|---:|---:|---|---|',
  ...figures.map((f) => `| ${f.section} | ${f.name.trim()}${f.note ? ` (${f.note})` : ''} | ${f.value} | ${f.unit} | ${f.baselineName} | ${f.baseline ?? '–'} | ${f.ratio ?? '–'} | ${f.target ?? '–'} | ${f.met === null ? '–' : f.met ? 'yes' : 'no'} |`),
  '',
  ...(failures.length ? ['Not measured:', '', ...failures.map((f) => `- ${f.replace(/\s+/g, ' ').slice(0, 400)}`), ''] : []),
  ...(extra.cashApplication ? ['Cash application (bench/cash-application.json):', '', '```json', JSON.stringify(extra.cashApplication, null, 2), '```', ''] : []),
];
writeFileSync(join(RESULTS, 'latest.md'), `${md.join('\n')}\n`);
if (failures.length) console.log(`\nnot measured:\n${failures.join('\n')}`);
console.log(`\nwrote bench/results/latest.md, latest.json and bench-${scaleLabel}.json`);
