// The clock is read here, in jobs/, so scoring/ stays a function of the as-of date alone.
import type { StageContext } from './stages.ts';
import { loadStrategy } from '../scoring/strategy.ts';
import { buildAndStoreWorklists } from '../scoring/worklist/pack.ts';

/** The `worklists` stage of `ar-intel run`: builds every collector's list and the team queue for the as-of date. */
export const worklistStage = {
  name: 'worklists',
  async run(ctx: StageContext): Promise<{ rows: number }> {
    const strategy = loadStrategy(ctx.config.strategyPath);
    const built = await buildAndStoreWorklists(ctx.wh, ctx.asOf, ctx.config.baseCurrency, strategy, new Date().toISOString());
    ctx.log(`    strategy ${strategy.version}: ${built.onCollectorLists} customers on collector lists, ${built.inTeamQueue} in the team queue`);
    return { rows: built.rows };
  },
};
