// The clock is read here, in jobs/, so scoring/ stays a function of the as-of date alone.
import type { StageContext } from './stages.ts';
import { forecastCash } from '../scoring/forecast/forecast.ts';
import { storeForecast } from '../scoring/forecast/store.ts';

/**
 * The `forecast` stage of `ar-intel run`: the 13-week cash forecast of the as-of date from the invoice
 * scores the scores stage just stored (the same distributions the API shows), stored under the run id.
 */
export const forecastStage = {
  name: 'forecast',
  async run(ctx: StageContext): Promise<{ rows: number }> {
    const f = await forecastCash(ctx.wh, { asOf: ctx.asOf, weeks: 13, baseCurrency: ctx.config.baseCurrency, currency: null, scores: 'stored', keepModels: true });
    await storeForecast(ctx.wh, ctx.runId, f, Date.now());
    const total = f.weeks.reduce((s, w) => s + w.expected, 0);
    ctx.log(`    13-week receipts expected ${total.toFixed(2)} ${f.currency} (${f.notes.join('; ')})`);
    return { rows: f.weeks.length };
  },
};
