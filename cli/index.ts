/** `ar-intel`: one sub-command per capability; each lives in cli/commands/ and only wires options to modules. */
import { Command, CommanderError } from 'commander';
import { ArIntelError } from '../core/errors.ts';
import { registerServe } from './commands/serve.ts';
import { registerRun } from './commands/run.ts';
import { registerKeys } from './commands/keys.ts';
import { registerWorklist } from './commands/worklist.ts';
import { registerProfiles } from './commands/profiles.ts';
import { registerIngest } from './commands/ingest.ts';
import { registerApplications } from './commands/applications.ts';
import { registerDemo } from './commands/demo.ts';
import { registerScore } from './commands/score.ts';
import { registerMetrics } from './commands/metrics.ts';
import { registerForecast } from './commands/forecast.ts';

const program = new Command();
program
  .name('ar-intel')
  .description('Analytics and collections intelligence for the order-to-cash cycle')
  .option('--db <path>', 'warehouse file (overrides AR_INTEL_DB)')
  .showHelpAfterError()
  .exitOverride();

registerServe(program);
registerRun(program);
registerKeys(program);
registerWorklist(program);
registerProfiles(program);
registerIngest(program);
registerApplications(program);
registerDemo(program);
registerScore(program);
registerMetrics(program);
registerForecast(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode;
  } else if (err instanceof ArIntelError) {
    console.error(`error: ${err.describe()}`);
    process.exitCode = 1;
  } else {
    console.error(err);
    process.exitCode = 1;
  }
}
