/**
 * Canonical CSV load in detail: `node bin/run-ts.mjs bench/load-csv.ts [--invoices N] [--dir DEMO_DIR]`.
 * The demo generator's canonical CSVs (or the files in --dir) loaded by `ingestFiles` into a fresh
 * warehouse, against DuckDB's own `create table … as select * from read_csv(…)` of the same files in
 * the same process — run before AND after the load, so a neighbour's burst on a shared machine shows up
 * as a gap between the two baselines instead of silently skewing the ratio. Per file: rows and status.
 * Wall-clock and CPU-seconds of this process (DuckDB's threads included). Writes
 * bench/results/load-csv.json. Target (issue 11): load ≤ 1.5× the baseline.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { Warehouse, quoteIdent } from '../core/warehouse.ts';
import { ingestFiles } from '../ingest/index.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'bin', 'ar-intel.mjs');
const { values } = parseArgs({ options: { invoices: { type: 'string' }, dir: { type: 'string' } } });
const args = z.object({ invoices: z.coerce.number().int().min(5_000).max(20_000_000).default(200_000), dir: z.string().min(1).optional() }).parse(values);

interface Timing {
  wall: number;
  cpu: number;
}
async function timed<T>(fn: () => Promise<T>): Promise<[T, Timing]> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const out = await fn();
  const c = process.cpuUsage(c0);
  return [out, { wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 }];
}
const r2 = (x: number) => Math.round(x * 100) / 100;

const work = mkdtempSync(join(tmpdir(), 'ar-intel-bench-load-'));
try {
  let demoDir = args.dir ? resolve(args.dir) : join(work, 'demo');
  if (!args.dir) {
    // the demo's behavioural model orders about 42 invoices per customer over its 26 months
    const customers = Math.max(50, Math.round(args.invoices / 42));
    const gen = spawnSync(process.execPath, [CLI, '--db', join(work, 'unused.duckdb'), 'demo', '--customers', String(customers), '--invoices', String(args.invoices), '--out', demoDir], {
      encoding: 'utf8',
      maxBuffer: 64 * 2 ** 20,
    });
    if (gen.status !== 0) throw new Error(`demo generation failed:\n${gen.stdout}${gen.stderr}`);
  }
  demoDir = resolve(demoDir);
  const files = readdirSync(demoDir)
    .filter((f) => f.endsWith('.csv'))
    .map((f) => join(demoDir, f));
  const megabytes = files.reduce((s, f) => s + statSync(f).size, 0) / 2 ** 20;

  const baseline = async (tag: string): Promise<Timing> => {
    const wh = await Warehouse.open(join(work, `baseline-${tag}.duckdb`), { migrate: false });
    const [, t] = await timed(async () => {
      let i = 0;
      for (const f of files) await wh.run(`create table ${quoteIdent(`b${i++}`)} as select * from read_csv($1)`, [f]);
    });
    wh.close();
    return t;
  };
  const before = await baseline('before');
  const wh = await Warehouse.open(join(work, 'load.duckdb'));
  const [results, load] = await timed(() => ingestFiles(wh, files));
  const perFile = results.map((r) => ({ file: basename(r.file), rows: r.rowsLoaded, status: r.status }));
  wh.close();
  const after = await baseline('after');
  const base = { wall: (before.wall + after.wall) / 2, cpu: (before.cpu + after.cpu) / 2 };
  const report = {
    machine: { cores: availableParallelism(), cpuModel: cpus()[0]?.model ?? 'unknown', memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10, loadAverage: loadavg()[0] },
    commit: spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim(),
    command: `node bin/run-ts.mjs bench/load-csv.ts ${args.dir ? `--dir ${args.dir}` : `--invoices ${args.invoices}`}`,
    files: files.length,
    megabytes: r2(megabytes),
    rowsLoaded: perFile.reduce((s, f) => s + f.rows, 0),
    loadSeconds: r2(load.wall),
    loadCpuSeconds: r2(load.cpu),
    baselineSecondsBefore: r2(before.wall),
    baselineSecondsAfter: r2(after.wall),
    baselineCpuSeconds: r2(base.cpu),
    ratioWall: r2(load.wall / base.wall),
    ratioCpu: r2(load.cpu / base.cpu),
    target: '≤ 1.5×',
    perFile,
  };
  console.log(
    `canonical CSV load: ${files.length} files, ${report.megabytes} MB, ${report.rowsLoaded.toLocaleString('en-US')} rows — ${report.loadSeconds} s wall / ${report.loadCpuSeconds} CPU-s; ` +
      `DuckDB read_csv of the same files ${report.baselineSecondsBefore} s before, ${report.baselineSecondsAfter} s after (${report.baselineCpuSeconds} CPU-s) → ` +
      `ratio ${report.ratioWall}× wall, ${report.ratioCpu}× CPU (target ≤ 1.5×); load average ${Math.round((report.machine.loadAverage ?? 0) * 10) / 10}`,
  );
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'results', 'load-csv.json'), `${JSON.stringify(report, null, 2)}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
