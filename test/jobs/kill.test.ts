/**
 * A run killed with SIGKILL inside the publish transaction — during scores, during forecast, just before
 * the publish commit — leaves the last published run serving untouched; the next run takes over the dead
 * runs' stale 'running' rows and produces exactly what a run that was never interrupted produces.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, latestDataDate } from '../../core/as-of.ts';
import { Warehouse } from '../../core/warehouse.ts';
import { runPipeline } from '../../jobs/pipeline.ts';
import { tempWarehouse, type TestWarehouse } from '../helpers/warehouse.ts';
import { seedDemo } from '../robustness/seed.ts';
import { duplicateRows, outputFingerprint, outputStats, publishedRun, type TableStats } from './outputs.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
let t: TestWarehouse;
let dbPath: string;
let earlier: string;
let latest: string;
let uninterrupted: Record<string, TableStats>;

async function withDb<T>(path: string, fn: (wh: Warehouse) => Promise<T>): Promise<T> {
  const wh = await Warehouse.open(path);
  try {
    return await fn(wh);
  } finally {
    wh.close();
  }
}

/** Runs the pipeline in a child that pauses inside `stage`; SIGKILLs it there. */
function killInside(stage: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repo, 'bin/run-ts.mjs'), join(repo, 'test/jobs/pause-run.ts'), dbPath, join(t.dir, 'drop'), stage], {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const onData = (b: Buffer) => {
      output += b.toString();
      if (output.includes(`PAUSED ${stage}`) && child.exitCode === null) child.kill('SIGKILL');
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve(output) : reject(new Error(`child ended without being killed:\n${output}`))));
  });
}

beforeAll(async () => {
  t = await tempWarehouse();
  dbPath = t.config.dbPath;
  await seedDemo(t, { customers: 12, months: 3, run: false });
  latest = await latestDataDate(t.wh);
  earlier = addDays(latest, -21);
  // The published run to protect is three weeks old, so the killed runs have new cash to apply and new scores to write.
  expect((await runPipeline(t.wh, t.config, { asOf: earlier })).status).toBe('succeeded');
  t.wh.close();
  // What an uninterrupted run at the latest date produces, from a copy of the same warehouse.
  const copy = join(t.dir, 'reference.duckdb');
  copyFileSync(dbPath, copy);
  if (existsSync(`${dbPath}.wal`)) copyFileSync(`${dbPath}.wal`, `${copy}.wal`);
  uninterrupted = await withDb(copy, async (wh) => {
    const r = await runPipeline(wh, { ...t.config, dbPath: copy });
    if (r.status !== 'succeeded') throw new Error(JSON.stringify(r.stages));
    return outputStats(wh);
  });
}, 180_000);

afterAll(() => {
  t.cleanup();
});

describe('SIGKILL inside the publish transaction', () => {
  it.each(['scores', 'forecast', 'publish'])('killed in %s: the published run still serves, unchanged', async (stage) => {
    const before = await withDb(dbPath, async (wh) => ({ run: await publishedRun(wh), outputs: await outputFingerprint(wh) }));
    expect(before.run?.asOf).toBe(earlier);
    const output = await killInside(stage);
    expect(output).toContain(stage === 'publish' ? 'worklists:' : `PAUSED ${stage}`);
    await withDb(dbPath, async (wh) => {
      expect(await publishedRun(wh)).toEqual(before.run);
      expect(await outputFingerprint(wh)).toEqual(before.outputs);
      expect(duplicateRows(await outputStats(wh))).toBe(0);
      // the dead run's row is still 'running': the stale lock the next run takes over
      expect(await wh.one(`select status from pipeline_runs order by run_id desc limit 1`)).toEqual({ status: 'running' });
    });
  }, 120_000);

  it('a run after the kills takes over the stale lock and matches an uninterrupted run', async () => {
    await withDb(dbPath, async (wh) => {
      // each killed child took over the lock of the one killed before it; the last one's is still held
      expect(await wh.one(`select count(*)::int as n from pipeline_runs where status = 'running'`)).toEqual({ n: 1 });
      const r = await runPipeline(wh, t.config);
      expect(r.status, JSON.stringify(r.stages)).toBe('succeeded');
      expect(r.asOf).toBe(latest);
      const after = await outputStats(wh);
      expect(after).toEqual(uninterrupted);
      expect(duplicateRows(after)).toBe(0);
      expect(await wh.all(`select error from pipeline_runs where status = 'failed' and error like 'abandoned%'`)).toHaveLength(3);
      expect(await wh.all(`select run_id from pipeline_runs where status = 'running'`)).toEqual([]);
      expect(await wh.all(`select run_id from pipeline_stage_runs where status = 'running'`)).toEqual([]);
      expect((await publishedRun(wh))?.runId).toBe(r.runId);
    });
  }, 120_000);
});
