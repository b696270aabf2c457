/**
 * `npm run notebooks [-- --db FILE] [--customers N] [--only NAME] [--keep DIR] [--rebuild]`: executes every notebook in
 * notebooks/ top to bottom, headless, on the Deno Jupyter kernel (nbconvert), against a demo warehouse it builds
 * when the file is missing (demo generator + `ar-intel run`, the same commands a user runs). Executed copies go to a
 * temporary directory (or --keep DIR); the committed notebooks stay without outputs. Exits non-zero if any fails.
 *
 * Needs: the `deno` devDependency (ships the binary) and Debian's python3-nbconvert + python3-ipykernel
 * (.ci/apt-packages). The kernelspec is written to a private JUPYTER_PATH so no user-level install is needed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..');
const PYTHON = '/usr/bin/python3';

const { values } = parseArgs({ options: { db: { type: 'string' }, customers: { type: 'string' }, only: { type: 'string' }, keep: { type: 'string' }, rebuild: { type: 'boolean' } } });
const parsed = z
  .object({
    customers: z.coerce.number().int().min(50).max(100_000).default(300),
    db: z.string().min(1).optional(),
    only: z.string().min(1).optional(),
    keep: z.string().min(1).optional(),
    rebuild: z.boolean().default(false),
  })
  .safeParse(values);
if (!parsed.success) {
  console.error(`error: ${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')}`);
  process.exit(2);
}
const opts = parsed.data;
const db = resolve(opts.db ?? join(tmpdir(), 'ar-intel-notebooks', `demo-${opts.customers}.duckdb`));

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env, cwd = ROOT): { ok: boolean; output: string; seconds: number } {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}`;
  return { ok: r.status === 0, output, seconds: (performance.now() - t0) / 1000 };
}

function fail(message: string): never {
  console.error(`notebooks: ${message}`);
  process.exit(1);
}

const denoBin = join(ROOT, 'node_modules', 'deno', process.platform === 'win32' ? 'deno.exe' : 'deno');
if (!existsSync(denoBin)) fail(`Deno not found at ${denoBin}; run \`npm install\` (deno is a devDependency).`);
if (!run(PYTHON, ['-c', 'import nbconvert, jupyter_client']).ok) {
  fail(`${PYTHON} cannot import nbconvert/jupyter_client; install the Debian packages listed in .ci/apt-packages (python3-nbconvert, python3-ipykernel).`);
}

// The warehouse: built once per size and reused; built under a temporary name so an interrupted build is not reused.
// --rebuild (CI): never reuse a warehouse built by an older checkout
if (opts.rebuild) {
  rmSync(db, { force: true });
  rmSync(`${db}.wal`, { force: true });
}
if (!existsSync(db)) {
  const building = `${db}.building`;
  rmSync(building, { force: true });
  rmSync(`${building}.wal`, { force: true });
  mkdirSync(dirname(db), { recursive: true });
  const demoDir = mkdtempSync(join(tmpdir(), 'ar-intel-notebooks-demo-'));
  console.log(`notebooks: building a ${opts.customers}-customer demo warehouse at ${db}`);
  const cli = join(ROOT, 'bin', 'ar-intel.mjs');
  const demo = run(process.execPath, [cli, '--db', building, 'demo', '--customers', String(opts.customers), '--out', demoDir, '--load']);
  if (!demo.ok) fail(`demo load failed:\n${demo.output}`);
  const pipeline = run(process.execPath, [cli, '--db', building, 'run']);
  if (!pipeline.ok) fail(`pipeline run failed:\n${pipeline.output}`);
  console.log(`notebooks: demo ${demo.seconds.toFixed(0)} s, pipeline ${pipeline.seconds.toFixed(0)} s`);
  rmSync(demoDir, { recursive: true, force: true });
  renameSync(building, db);
  if (existsSync(`${building}.wal`)) renameSync(`${building}.wal`, `${db}.wal`);
}

// A private kernelspec pointing at this checkout's Deno, so nothing depends on a user-level `deno jupyter --install`.
const work = mkdtempSync(join(tmpdir(), 'ar-intel-notebooks-run-'));
const kernelDir = join(work, 'jupyter', 'kernels', 'deno');
mkdirSync(kernelDir, { recursive: true });
writeFileSync(
  join(kernelDir, 'kernel.json'),
  JSON.stringify({ argv: [denoBin, 'jupyter', '--kernel', '--conn', '{connection_file}'], display_name: 'Deno', language: 'typescript' }),
);
const outDir = resolve(opts.keep ?? join(work, 'out'));
mkdirSync(outDir, { recursive: true });

const notebooks = readdirSync(HERE)
  .filter((f) => f.endsWith('.ipynb') && !f.startsWith('_'))
  .filter((f) => !opts.only || f === opts.only || f === `${opts.only}.ipynb`)
  .sort();
if (notebooks.length === 0) fail(opts.only ? `no notebook named ${opts.only}` : 'no notebooks found');

const env: NodeJS.ProcessEnv = {
  ...process.env,
  AR_INTEL_DB: db,
  JUPYTER_PATH: join(work, 'jupyter'),
  DENO_NO_UPDATE_CHECK: '1',
  TZ: 'UTC',
};

interface Output { output_type: string; ename?: string; evalue?: string }
interface Cell { cell_type: string; outputs?: Output[] }
const results: { notebook: string; ok: boolean; seconds: number; detail: string }[] = [];
for (const nb of notebooks) {
  const r = run(
    PYTHON,
    ['-m', 'nbconvert', '--to', 'notebook', '--execute', nb, '--output-dir', outDir, '--ExecutePreprocessor.kernel_name=deno', '--ExecutePreprocessor.timeout=900'],
    env,
    HERE,
  );
  let detail = '';
  if (r.ok) {
    // nbconvert stops on an error; also refuse a run that left error outputs behind (allow_errors set in metadata)
    const cells = (JSON.parse(readFileSync(join(outDir, nb), 'utf8')) as { cells: Cell[] }).cells;
    const errors = cells.flatMap((c) => (c.outputs ?? []).filter((o) => o.output_type === 'error'));
    if (errors.length) detail = errors.map((e) => `${e.ename}: ${e.evalue}`).join('\n');
  } else {
    detail = r.output.split('\n').filter((l) => l.trim() !== '').slice(-25).join('\n');
  }
  const ok = r.ok && detail === '';
  results.push({ notebook: nb, ok, seconds: r.seconds, detail });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${nb} (${r.seconds.toFixed(1)} s)${ok ? '' : `\n${detail}`}`);
}

const failed = results.filter((r) => !r.ok);
console.log(`notebooks: ${results.length - failed.length} passed, ${failed.length} failed; executed copies in ${outDir}`);
if (!opts.keep && failed.length === 0) rmSync(work, { recursive: true, force: true });
process.exit(failed.length ? 1 : 0);
