/** The `cash-application` pipeline stage; runs before the models so open AR reflects today's cash. */
import { z } from 'zod';
import { ConfigError } from '../../core/errors.ts';
import type { Warehouse } from '../../core/warehouse.ts';
import { DEFAULT_MATCH_OPTIONS, type MatchOptions } from './matcher.ts';
import { settleCashApplication } from './run.ts';

const envSchema = z.object({
  AR_INTEL_CASH_APP_MIN_CONFIDENCE: z.coerce.number().min(0).max(1).optional(),
  AR_INTEL_CASH_APP_SHORT_PAY_TOLERANCE: z.coerce.number().min(0).max(1).optional(),
  AR_INTEL_CASH_APP_FX_TOLERANCE: z.coerce.number().min(0).max(0.2).optional(),
});

/** Matching options from the environment: the auto-apply threshold and the short-pay and cross-currency tolerances. */
export function cashApplicationOptions(env: NodeJS.ProcessEnv = process.env): Partial<MatchOptions> {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(`invalid environment: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return {
    autoThreshold: parsed.data.AR_INTEL_CASH_APP_MIN_CONFIDENCE ?? DEFAULT_MATCH_OPTIONS.autoThreshold,
    shortPayTolerance: parsed.data.AR_INTEL_CASH_APP_SHORT_PAY_TOLERANCE ?? DEFAULT_MATCH_OPTIONS.shortPayTolerance,
    fxTolerance: parsed.data.AR_INTEL_CASH_APP_FX_TOLERANCE ?? DEFAULT_MATCH_OPTIONS.fxTolerance,
  };
}

export const cashApplicationStage = {
  name: 'cash-application',
  async run(ctx: { wh: Warehouse; asOf: string; runId: string; log: (m: string) => void }): Promise<{ rows: number }> {
    const r = await settleCashApplication(ctx.wh, ctx.asOf, { ...cashApplicationOptions(), runId: ctx.runId });
    ctx.log(
      `  cash-application: ${r.payments} payments with unapplied cash → ${r.autoApplied} applied automatically in ${r.passes} pass(es) ` +
        `(${r.applications} applications, ${r.onAccount} on account, ${r.deductions} deductions), ${r.exceptions} to the exceptions queue`,
    );
    return { rows: r.applications + r.onAccount + r.exceptions };
  },
};
