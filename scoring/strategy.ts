/**
 * Collection strategies: which treatment step applies to an item given its customer's segment and
 * risk class, how much a contact helps at each stage, what a contact costs, and what suppresses
 * contact. Strategies are data (JSON validated here) with a version every worklist records.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ArIntelError } from '../core/errors.ts';

export const CHANNELS = ['email', 'call', 'letter', 'agency'] as const;
export type Channel = (typeof CHANNELS)[number];

const Step = z.object({
  name: z.string().min(1),
  fromDays: z.number().int(),
  action: z.string().min(1),
  channel: z.enum(CHANNELS),
});

const Treatment = z.object({
  name: z.string().min(1),
  appliesTo: z.object({
    segments: z.array(z.string()).optional(),
    riskClasses: z.array(z.enum(['A', 'B', 'C', 'D', 'E'])).optional(),
  }),
  steps: z
    .array(Step)
    .min(1)
    .refine((s) => s.every((x, i) => i === 0 || x.fromDays > (s[i - 1]?.fromDays ?? -Infinity)), 'steps must be in increasing fromDays order'),
});

export const strategySchema = z.object({
  version: z.string().min(1),
  description: z.string().optional(),
  treatments: z
    .array(Treatment)
    .min(1)
    .refine((t) => {
      const last = t[t.length - 1];
      return last !== undefined && !last.appliesTo.segments && !last.appliesTo.riskClasses;
    }, 'the last treatment must apply to everyone (empty appliesTo) so no customer is left without one'),
  contactUplift: z
    .array(z.object({ fromDays: z.number().int(), uplift: z.number().min(0).max(1) }))
    .min(1)
    .refine((s) => s.every((x, i) => i === 0 || x.fromDays > (s[i - 1]?.fromDays ?? -Infinity)), 'contactUplift must be in increasing fromDays order'),
  /**
   * Days ahead the worklist looks: an item's risk is the model's chance it is past due and still unpaid
   * this many days after the as-of date (30 = the horizon `npm run evaluate:worklist` measures).
   */
  horizonDays: z.number().int().min(1).max(365).default(30),
  effort: z.record(z.enum(CHANNELS), z.number().min(0)),
  suppression: z.object({ recentContactDays: z.number().int().min(0), promiseGraceDays: z.number().int().min(0) }),
  boosts: z.object({
    brokenPromise: z.number().min(1),
    promiseDueToday: z.number().min(1),
    stepCrossedToday: z.number().min(1),
    overCreditLimit: z.number().min(1),
    deteriorating: z.number().min(1),
    deterioratingPoints: z.number().min(0),
  }),
  agency: z.object({ minDaysPastDue: z.number().int().min(0), minAmount: z.number().min(0) }),
  dunning: z.object({ annualInterestPct: z.number().min(0), flatFee: z.number().min(0), minDaysPastDue: z.number().int().min(0) }),
});

export type Strategy = z.infer<typeof strategySchema>;
export type StrategyStep = z.infer<typeof Step>;

export const DEFAULT_STRATEGY_PATH = new URL('./strategies/default.json', import.meta.url);

export function parseStrategy(json: unknown, source: string): Strategy {
  const parsed = strategySchema.safeParse(json);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    const path = i ? i.path.join('.') : '';
    throw new ArIntelError('VALIDATION', `strategy ${source}: ${path ? `${path}: ` : ''}${i?.message ?? 'invalid'}`, { file: source, field: path });
  }
  return parsed.data;
}

export function loadStrategy(path?: string): Strategy {
  const source = path ?? DEFAULT_STRATEGY_PATH.pathname;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path ?? DEFAULT_STRATEGY_PATH, 'utf8'));
  } catch (err) {
    throw new ArIntelError('VALIDATION', `strategy ${source}: ${(err as Error).message}`, { file: source });
  }
  return parseStrategy(json, source);
}

/** First treatment whose segment and risk-class filters both admit the customer. */
export function treatmentFor(strategy: Strategy, segment: string | null, riskClass: string | null) {
  for (const t of strategy.treatments) {
    const segOk = !t.appliesTo.segments || (segment !== null && t.appliesTo.segments.includes(segment));
    const clsOk = !t.appliesTo.riskClasses || (riskClass !== null && (t.appliesTo.riskClasses as string[]).includes(riskClass));
    if (segOk && clsOk) return t;
  }
  // Unreachable for a validated strategy (the last treatment is a catch-all).
  throw new ArIntelError('VALIDATION', 'strategy has no catch-all treatment');
}

/** The step an item has reached at `daysPastDue` (undefined before the first step). */
export function stepAt(steps: readonly StrategyStep[], daysPastDue: number): StrategyStep | undefined {
  let current: StrategyStep | undefined;
  for (const s of steps) if (daysPastDue >= s.fromDays) current = s;
  return current;
}

export function upliftAt(strategy: Strategy, daysPastDue: number): number {
  let u = 0;
  for (const b of strategy.contactUplift) if (daysPastDue >= b.fromDays) u = b.uplift;
  return u;
}
