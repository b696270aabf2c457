/**
 * `ar-intel run` killed with SIGKILL part-way: the last published run keeps serving, and the next run
 * finishes with exactly the rows a clean run produces (no duplicates, no leftovers of the dead run).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Warehouse } from '../../core/warehouse.ts';
import { publishedAsOf, runPipeline } from '../../jobs/pipeline.ts';
import { tempWarehouse, type TestWarehouse } from '../helpers/warehouse.ts';
import { seedDemo } from './seed.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
let t: TestWarehouse;
let dbPath: string;
let clean: Snapshot;

interface Snapshot { runId: string | undefined; asOf: string | undefined; scores: number; customerScores: number; worklist: number }

async function snapshot(wh: Warehouse, asOf?: string): Promise<Snapshot> {
  const pub = await wh.one<{ run_id: string; as_of: string }>(
    `select run_id::varchar as run_id, as_of::varchar as as_of from pipeline_runs where published order by run_id desc limit 1`,
  );
  const d = asOf ?? pub?.as_of;
  const n = async (table: string) => Number((await wh.one<{ n: string }>(`select count(*)::bigint as n from ${table} where as_of = $1::date`, [d ?? '1900-01-01']))?.n);
  return { runId: pub?.run_id, asOf: d, scores: await n('invoice_scores'), customerScores: await n('customer_scores'), worklist: await n('worklist_items') };
}

/** Duplicate keys in the tables a run writes (0 when every primary key holds). */
async function duplicates(wh: Warehouse): Promise<number> {
  const q = async (sql: string) => Number((await wh.one<{ n: string }>(sql))?.n);
  return (
    (await q(`select count(*)::bigint as n from (select as_of, invoice_id from invoice_scores group by all having count(*) > 1)`)) +
    (await q(`select count(*)::bigint as n from (select as_of, customer_id from customer_scores group by all having count(*) > 1)`)) +
    (await q(`select count(*)::bigint as n from (select as_of, customer_id from worklist_items group by all having count(*) > 1)`))
  );
}

/** Starts `ar-intel run` and SIGKILLs it once `trigger` appears in its output (or after maxMs). */
function runAndKill(trigger: RegExp, maxMs: number): Promise<{ killed: boolean; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repo, 'bin/ar-intel.mjs'), '--db', dbPath, 'run'], {
      cwd: repo,
      env: { ...process.env, AR_INTEL_DROP_DIR: join(t.dir, 'drop'), AR_INTEL_LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let killed = false;
    const kill = () => {
      if (!killed && child.exitCode === null) {
        killed = true;
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(kill, maxMs);
    const onData = (b: Buffer) => {
      output += b.toString();
      if (trigger.test(output)) kill();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve({ killed, output });
    });
  });
}

beforeAll(async () => {
  t = await tempWarehouse();
  dbPath = t.config.dbPath;
  await seedDemo(t, { customers: 12, months: 3 });
  // A second run reaches the fixed point (cash application can match one more payment on its second pass),
  // so a later run over unchanged data must reproduce exactly these rows.
  await runPipeline(t.wh, t.config);
  clean = await snapshot(t.wh);
  // The child process needs the file to itself (one writer per DuckDB file).
  t.wh.close();
}, 60_000);

afterAll(() => {
  t.cleanup();
});

describe('SIGKILL during ar-intel run', () => {
  it('has a clean published run to protect', () => {
    expect(clean.runId).toBeDefined();
    expect(clean.scores).toBeGreaterThan(0);
    expect(clean.worklist).toBeGreaterThan(0);
  });

  // Stage lines are printed when a stage ends, so each trigger kills the process inside the following stage.
  it.each([
    ['models (after cash-application ended)', /^\s+cash-application: \d+ rows/m],
    ['worklists (after forecast ended)', /^\s+forecast: \d+ rows/m],
  ])('killed in %s: the published run still serves, unchanged', async (_label, trigger) => {
    const { killed, output } = await runAndKill(trigger, 40_000);
    expect(killed, output).toBe(true);
    const wh = await Warehouse.open(dbPath);
    try {
      expect(await publishedAsOf(wh)).toBe(clean.asOf);
      expect(await snapshot(wh, clean.asOf)).toEqual(clean);
      expect(await duplicates(wh)).toBe(0);
    } finally {
      wh.close();
    }
  }, 60_000);

  it('the next run marks the dead runs failed and completes with the same rows as a clean run', async () => {
    const wh = await Warehouse.open(dbPath);
    try {
      const r = await runPipeline(wh, { ...t.config, dropDir: join(t.dir, 'drop') }, { asOf: clean.asOf });
      expect(r.status).toBe('succeeded');
      const after = await snapshot(wh, clean.asOf);
      expect(after.runId).not.toBe(clean.runId);
      expect({ ...after, runId: undefined }).toEqual({ ...clean, runId: undefined });
      expect(await duplicates(wh)).toBe(0);
      const states = await wh.all<{ status: string; n: string }>(`select status, count(*)::bigint as n from pipeline_runs group by status order by status`);
      expect(states).toEqual([
        { status: 'failed', n: '2' },
        { status: 'succeeded', n: '3' },
      ]);
      expect(await wh.all(`select run_id from pipeline_stage_runs where status = 'running'`)).toEqual([]);
    } finally {
      wh.close();
    }
  }, 60_000);
});
