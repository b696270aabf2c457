import type { Command } from 'commander';
import { configFrom, withWarehouse } from '../context.ts';
import { runPipeline } from '../../jobs/pipeline.ts';

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run the batch pipeline (cash application, models, scores, forecast, worklists) for an as-of date')
    .option('--as-of <date>', 'as-of date YYYY-MM-DD (default: latest date in the data)')
    .action(async (opts: { asOf?: string }, cmd: Command) => {
      const config = configFrom(cmd);
      await withWarehouse(config, async (wh) => {
        const result = await runPipeline(wh, config, { asOf: opts.asOf, log: (m) => console.log(m) });
        console.log(`run ${result.runId} as of ${result.asOf}: ${result.status} in ${(result.ms / 1000).toFixed(1)} s`);
        if (result.status !== 'succeeded') process.exitCode = 1;
      });
    });
}
