/**
 * The worklist's per-customer inputs shared by both builds (the object path of build.ts that
 * `evaluate:worklist` replays, and the set-based path of pack.ts the pipeline runs): the customer
 * context query, open disputes, and the promises to pay known at the as-of date.
 */
import { readFileSync } from 'node:fs';
import type { Warehouse } from '../../core/warehouse.ts';
import { addDays } from '../../core/as-of.ts';
import { queryModel } from '../../models/dag.ts';
import type { Strategy } from '../strategy.ts';
import type { CustomerContext } from '../worklist.ts';

const sql = (name: string) => readFileSync(new URL(`./${name}.sql`, import.meta.url), 'utf8');
export const CUSTOMER_CONTEXT = sql('customer-context');
export const OPEN_DISPUTES = sql('open-disputes');

/** A row of customer-context.sql. */
export interface ContextRow extends Record<string, unknown> {
  customer_id: string;
  name: string;
  collector_id: string | null;
  segment: string | null;
  strategic: boolean;
  credit_limit_base: number | null;
  contact_name: string | null;
  email: string | null;
  phone: string | null;
  score: number | null;
  risk_class: string | null;
  previous_score: number | null;
  last_contact_date: string | null;
}

/** Promises to pay as the worklist sees them at the as-of date. */
export interface PromiseState {
  /** Latest open promised date per invoice named by a promise. */
  readonly invoicePromise: ReadonlyMap<string, string>;
  /** Latest open promised date per customer, for promises on the whole account. */
  readonly accountPromise: ReadonlyMap<string, string>;
  /** Latest promised date of a promise broken in the last 30 days, per customer. */
  readonly broken: ReadonlyMap<string, string>;
  /** Customers with an open promise falling due on the as-of date. */
  readonly dueToday: ReadonlySet<string>;
}

export async function loadPromiseState(wh: Warehouse, asOf: string, strategy: Strategy): Promise<PromiseState> {
  const promises = await queryModel<{ customer_id: string; invoice_id: string | null; promised_date: string; outcome: string }>(
    wh,
    'int_promise_outcomes',
    { as_of: asOf, tolerance_days: strategy.suppression.promiseGraceDays },
    // a promise logged after the as-of date was not known then (replays of past dates must not see it)
    { select: 'm.customer_id, m.invoice_id, m.promised_date::varchar as promised_date, m.outcome', tail: 'where m.created_date <= $as_of::date' },
  );
  const invoicePromise = new Map<string, string>();
  const accountPromise = new Map<string, string>();
  const broken = new Map<string, string>();
  const dueToday = new Set<string>();
  const brokenSince = addDays(asOf, -30);
  for (const p of promises) {
    if (p.outcome === 'open') {
      const target = p.invoice_id ? invoicePromise : accountPromise;
      const key = p.invoice_id ?? p.customer_id;
      const prev = target.get(key);
      if (!prev || p.promised_date > prev) target.set(key, p.promised_date);
      if (p.promised_date === asOf) dueToday.add(p.customer_id);
    } else if (p.outcome === 'broken' && p.promised_date >= brokenSince) {
      const prev = broken.get(p.customer_id);
      if (!prev || p.promised_date > prev) broken.set(p.customer_id, p.promised_date);
    }
  }
  return { invoicePromise, accountPromise, broken, dueToday };
}

/** A customer's context from its customer-context.sql row, its promises and its exposure. */
export function customerContext(c: ContextRow, promises: PromiseState, exposureBase: number): CustomerContext {
  return {
    customerId: c.customer_id,
    name: c.name,
    collectorId: c.collector_id,
    segment: c.segment,
    riskClass: c.risk_class,
    score: c.score === null ? null : Number(c.score),
    previousScore: c.previous_score === null ? null : Number(c.previous_score),
    strategic: Boolean(c.strategic),
    creditLimitBase: c.credit_limit_base === null ? null : Number(c.credit_limit_base),
    exposureBase,
    contact: { name: c.contact_name, email: c.email, phone: c.phone },
    lastContactDate: c.last_contact_date,
    brokenPromiseDate: promises.broken.get(c.customer_id) ?? null,
    accountPromiseDate: promises.accountPromise.get(c.customer_id) ?? null,
    promiseDueToday: promises.dueToday.has(c.customer_id),
  };
}
