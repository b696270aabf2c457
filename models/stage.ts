/**
 * The `models` stage of `ar-intel run`: refreshes the persisted model tables (item balance segments),
 * evaluates promises to pay as of the run date and rebuilds the monthly metric history. Point-in-time
 * metrics are not materialised per date: the API computes them per request from the SQL models (reading
 * the persisted segments), so any as-of date answers, not only the run's.
 */
import type { Stage } from '../jobs/stages.ts';
import { persistedIn } from './dag.ts';
import { rebuildMetricHistory } from './history.ts';
import { ensurePersisted } from './persisted.ts';
import { writePromiseOutcomes } from './promises.ts';

export const modelsStage: Stage = {
  name: 'models',
  async run({ wh, config, asOf, runId, log }) {
    await ensurePersisted(wh, persistedIn('mart_open_items'));
    const promises = await writePromiseOutcomes(wh, asOf);
    const history = await rebuildMetricHistory(wh, asOf, config.baseCurrency, runId);
    log(`    promises evaluated: ${promises}, metric history rows: ${history}`);
    return { rows: history + promises };
  },
};
