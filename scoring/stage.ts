/**
 * One scoring run for an as-of date: invoice scores (and the models behind them) and customer scores,
 * stored together. Used by the `scores` pipeline stage and by `ar-intel score`.
 */
import type { Warehouse } from '../core/warehouse.ts';
import { newCustomerScore } from './credit.ts';
import { loadCustomerHistory, scoreCustomers, writeCustomerScores, type CustomerScore } from './customer-risk.ts';
import { MODEL_MAX_AGE_DAYS, scoreInvoicesAsOf, writeInvoiceScores, type ScoreOptions, type ScoringResult } from './score-invoices.ts';
import { timed, timedSync, type PhaseClock } from './risk/phases.ts';

export async function scoreAsOf(wh: Warehouse, asOf: string, opts: ScoreOptions = {}): Promise<{ result: ScoringResult; customers: CustomerScore[] }> {
  const result = await scoreInvoicesAsOf(wh, asOf, opts);
  const histories = await timed(opts.clock, 'customers: history SQL', () => loadCustomerHistory(wh, asOf));
  const customers = timedSync(opts.clock, 'customers: scores', () =>
    scoreCustomers(asOf, histories, result.scores, (_h, segmentDbt) => newCustomerScore({ priorDaysBeyondTerms: segmentDbt })),
  );
  return { result, customers };
}

export async function scoreAsOfAndStore(
  wh: Warehouse,
  asOf: string,
  opts: { store?: boolean; reuseMaxAgeDays?: number; clock?: PhaseClock } = {},
): Promise<{ result: ScoringResult; customers: CustomerScore[] }> {
  const { clock } = opts;
  const out = await scoreAsOf(wh, asOf, { reuseMaxAgeDays: opts.reuseMaxAgeDays ?? 0, keepModel: opts.store !== false, ...(clock ? { clock } : {}) });
  if (opts.store !== false) {
    await timed(clock, 'write: invoice_scores', () => writeInvoiceScores(wh, out.result));
    await timed(clock, 'write: customer_scores', () => writeCustomerScores(wh, asOf, out.customers));
  }
  return out;
}

/** The `scores` stage of `ar-intel run`. */
export const scoresStage = {
  name: 'scores',
  async run(ctx: { wh: Warehouse; asOf: string; log: (m: string) => void }): Promise<{ rows: number }> {
    const { result, customers } = await scoreAsOfAndStore(ctx.wh, ctx.asOf, { reuseMaxAgeDays: MODEL_MAX_AGE_DAYS });
    ctx.log(`    models ${result.modelNote}`);
    ctx.log(`    pLate: ${result.bundle.late.algorithm}, pLate30: ${result.bundle.late30.algorithm}; ${customers.length} customers scored`);
    return { rows: result.scores.length };
  },
};
