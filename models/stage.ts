/**
 * The `models` stage of `ar-intel run`: evaluates promises to pay as of the run date and rebuilds the
 * monthly metric history. Point-in-time metrics are not materialised: the API computes them per
 * request from the SQL models, so any as-of date answers, not only the run's.
 */
import type { Stage } from '../jobs/stages.ts';
import { rebuildMetricHistory } from './history.ts';
import { writePromiseOutcomes } from './promises.ts';

export const modelsStage: Stage = {
  name: 'models',
  async run({ wh, config, asOf, runId, log }) {
    const promises = await writePromiseOutcomes(wh, asOf);
    const history = await rebuildMetricHistory(wh, asOf, config.baseCurrency, runId);
    log(`    promises evaluated: ${promises}, metric history rows: ${history}`);
    return { rows: history + promises };
  },
};
