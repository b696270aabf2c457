/** The demo generator's options: one zod schema shared by the CLI, the bootstrap and the tests. */
import { z } from 'zod';
import { isoDate } from '../../core/as-of.ts';

export const DEFAULT_END_DATE = '2026-10-31';

export const demoOptionsSchema = z.object({
  customers: z.number().int().min(10, 'at least 10 customers').max(2_000_000).default(2000),
  /** Target invoice count; absent = the behavioural model's own order rates (about 42 per customer over 26 months). */
  invoices: z.number().int().min(1).max(100_000_000).optional(),
  seed: z.number().int().min(0).max(4_294_967_295).default(42),
  out: z.string().min(1),
  endDate: isoDate.default(DEFAULT_END_DATE),
  months: z.number().int().min(3, 'at least 3 months').max(240).default(26),
  /** Payments received in the last `applicationCutoffDays` days arrive without applications.csv rows. */
  applicationCutoffDays: z.number().int().min(0).max(3650).default(60),
});

export type DemoOptionsInput = z.input<typeof demoOptionsSchema>;
export type DemoOptions = z.output<typeof demoOptionsSchema>;
