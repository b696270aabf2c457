/**
 * Stage lists for test/jobs/worker.test.ts. They are imported by name inside the pipeline's worker thread
 * (runPipelineInWorker's `stagesFrom`), so they hold no state shared with the test: what a test needs to
 * see comes back through the warehouse, the log, or a file beside the warehouse.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';
import type { Stage } from '../../jobs/stages.ts';

/** Holds the CPU without yielding for `ms`, as the scoring maths does between its queries. */
function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The file a gated stage waits for: beside the warehouse, so each test has its own. */
export function gateFile(dbPath: string): string {
  return join(dirname(dbPath), 'go');
}

/** Four 400 ms blocks of synchronous work with a query between them; logs the thread it ran on. */
export const busy: Stage[] = [
  {
    name: 'busy',
    async run({ wh, log }) {
      log(`busy stage on thread ${threadId}`);
      for (let i = 0; i < 4; i++) {
        spin(400);
        await wh.one('select 1 as one');
      }
      return { rows: 4 };
    },
  },
];

/** Writes inside the run, then fails: nothing may be published, and the failure is recorded. */
export const failing: Stage[] = [
  {
    name: 'writes',
    async run({ wh }) {
      await wh.run(`insert into mart_metric_history (month_end, metric, amount) values ('2024-05-31', 'open_ar', 1)`);
      return { rows: 1 };
    },
  },
  {
    name: 'boom',
    async run() {
      throw new Error('disk full');
    },
  },
];

/** Appends 5,000 rows through an appender (more than one batch to the serving thread) and copies them over. */
export const appending: Stage[] = [
  {
    name: 'appending',
    async run({ wh }) {
      await wh.transaction(async (conn) => {
        await conn.run('create or replace temp table staged (month_end varchar, metric varchar, amount double)');
        const app = await conn.createAppender('staged', 'main', 'temp');
        for (let i = 0; i < 5000; i++) {
          app.appendVarchar(`2024-05-${String((i % 28) + 1).padStart(2, '0')}`);
          app.appendVarchar(`m${i}`);
          app.appendDouble(i / 4);
          app.endRow();
        }
        app.closeSync();
        await conn.run(`insert into mart_metric_history (month_end, metric, amount) select month_end::date, metric, amount from staged`);
      });
      return { rows: 5000 };
    },
  },
];

/** An appender given a value its column cannot hold: the stage fails with DuckDB's own message. */
export const badAppend: Stage[] = [
  {
    name: 'bad-append',
    async run({ wh }) {
      await wh.transaction(async (conn) => {
        await conn.run('create or replace temp table staged (n integer)');
        const app = await conn.createAppender('staged', 'main', 'temp');
        app.appendVarchar('not a number');
        app.endRow();
        app.closeSync();
      });
      return { rows: 1 };
    },
  },
];

/** Writes inside the run, then waits (up to a minute) for its gate file: a run that is still open. */
export const gated: Stage[] = [
  {
    name: 'gated',
    async run({ wh, config, log }) {
      await wh.run(`insert into mart_metric_history (month_end, metric, amount) values ('2024-05-31', 'open_ar', 1)`);
      log('gated stage waiting');
      const gate = gateFile(config.dbPath);
      for (let waited = 0; !existsSync(gate) && waited < 60_000; waited += 20) await sleep(20);
      return { rows: 1 };
    },
  },
];

/** Values of every kind the pipeline reads, and a repeated column name, as the worker's reads return them. */
export const READ_SQL = `select 1 as a, 2 as a, 12.34::decimal(18,2) as money, 9007199254740993::bigint as big, date '2024-05-31' as d,
  timestamp '2024-05-31 10:11:12' as ts, [1, 2] as list, {'k': 'v'} as struct, null as nothing, 'x' as text, true as flag, 0.5::double as dbl
  from range(5000) r`;

export const reading: Stage[] = [
  {
    name: 'reading',
    async run({ wh, log }) {
      const rows = await wh.all(READ_SQL);
      log(`rows ${JSON.stringify([rows.length, rows[0], rows.at(-1)])}`);
      return { rows: rows.length };
    },
  },
];
