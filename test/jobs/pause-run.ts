/**
 * Child process for the SIGKILL tests: `node bin/run-ts.mjs test/jobs/pause-run.ts DB_PATH DROP_DIR STAGE`
 * runs the real pipeline and, once STAGE has done all its writes (still inside the run's transaction,
 * before the stage returns), prints `PAUSED STAGE` and waits to be killed. STAGE `publish` pauses after
 * the last stage, just before the publish commit. Pausing on a marker instead of racing a timer makes
 * the kill land at the same point on a fast or a loaded machine.
 */
import { loadConfig } from '../../core/config.ts';
import { Warehouse } from '../../core/warehouse.ts';
import { runPipeline } from '../../jobs/pipeline.ts';
import { stages, type Stage, type StageContext } from '../../jobs/stages.ts';

const [dbPath, dropDir, pauseIn] = process.argv.slice(2);
if (!dbPath || !dropDir || !pauseIn) throw new Error('usage: pause-run.ts DB_PATH DROP_DIR STAGE|publish');

const hold = async (where: string): Promise<never> => {
  console.log(`PAUSED ${where}`);
  setInterval(() => undefined, 60_000); // keeps the process alive until the SIGKILL
  return new Promise<never>(() => undefined);
};

const pausing = (s: Stage): Stage =>
  s.name !== pauseIn
    ? s
    : {
        ...s,
        async run(ctx: StageContext) {
          await s.run(ctx);
          return hold(s.name);
        },
      };
const list: Stage[] = stages.map(pausing);
if (pauseIn === 'publish') list.push({ name: 'before-publish', run: () => hold('publish') });
if (!list.some((s) => s.name === pauseIn || pauseIn === 'publish')) throw new Error(`no stage ${pauseIn}`);

const config = loadConfig({}, { dbPath, logLevel: 'silent', auth: 'off', rateLimitPerMinute: 0, dropDir });
const wh = await Warehouse.open(dbPath);
const r = await runPipeline(wh, config, { stages: list, log: (m) => console.log(m) });
console.log(`run ${r.runId} ended ${r.status} without being killed`);
wh.close();
