/**
 * Turns open invoices (with their risk scores), promises, disputes, open orders and the invoicing
 * run-rate into simulation items. An open invoice is split into slices: the part under an open dispute
 * (delayed until the dispute is likely resolved, and lost with the cause's historical loss share), the
 * part under an open promise (paid on the promised date with the historical keep rate, otherwise as the
 * model says) and the rest (the risk model's days-to-pay distribution). Write-off risk removes mass
 * from every slice.
 */
import { addDays, daysBetween } from '../../core/as-of.ts';
import { DEFAULT_DAYS_PARAMS, daysLateDistribution, type DaysToPayParams } from '../days-to-pay.ts';
import type { ClosedDispute, CustomerInfo, ForecastInputs, OpenDispute } from './inputs.ts';
import { invoicingRunRate } from './run-rate.ts';
import type { InvoiceOutlook } from './stored-scores.ts';
import { allocItems, COMPONENTS, type Component, type SimItems } from './simulate.ts';
import { dayNumber, isoWeekStartDay } from './weeks.ts';

export interface ItemRef {
  readonly component: Component;
  readonly customerId: string;
  /** Invoice or order id; null for run-rate new business. */
  readonly itemId: string | null;
  readonly currency: string;
  /** Report-currency units per unit of the item's currency. */
  readonly rate: number;
}

export interface BuiltItems {
  readonly items: SimItems;
  readonly refs: ItemRef[];
  readonly firstWeekDay: number;
  /** Probability a weekend pay day is credited the next Monday (SimOptions.weekendRoll). */
  readonly weekendRoll: number;
  readonly notes: string[];
}

/**
 * Receipts arrive on weekends at the rate the history shows: with a share s of the last year's receipts
 * on Saturdays and Sundays (2/7 if cash arrived evenly), a weekend pay day stays there with
 * probability s ÷ (2/7) and otherwise moves to Monday.
 */
export function weekendRollOf(weekendShare: number | null): number {
  if (weekendShare === null) return 0;
  return Math.min(1, Math.max(0, 1 - weekendShare / (2 / 7)));
}

interface Row {
  amount: number; lo: number; q10: number; q50: number; q90: number; pLoss: number; pPoint: number; pointDay: number; ref: ItemRef;
}

export interface BuildOptions {
  readonly asOf: string;
  readonly weeks: number;
  readonly baseCurrency: string;
  /** Restrict to items in this currency and report in it; null = everything in the base currency. */
  readonly currency: string | null;
  readonly daysParams?: DaysToPayParams;
  /**
   * Baselines for the backtest: every item paid on its due date, or after the customer's average days to
   * pay (no promises, disputes or write-off risk). Default: the model.
   */
  readonly mode?: 'model' | 'due_date' | 'average_days';
}

const DEFAULT_PROMISE_KEEP = 0.7;
const DEFAULT_DISPUTE_LOSS = 0.5;
/** Days from dispute resolution to cash. */
const PAY_AFTER_RESOLUTION = 7;

function quantilesOf(sorted: readonly number[]): [number, number, number] {
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] as number;
  return [q(0.1), q(0.5), q(0.9)];
}

/** Remaining days open of a dispute of a given age, from resolved disputes of the same cause (else all causes). */
export function disputeOutlook(closed: readonly ClosedDispute[], cause: string, age: number): { q: [number, number, number]; lossShare: number } {
  const pick = (rows: readonly ClosedDispute[]) => rows.filter((r) => r.daysOpen > age);
  let rows = pick(closed.filter((r) => r.cause === cause));
  if (rows.length < 5) rows = pick(closed);
  const byCause = closed.filter((r) => r.cause === cause);
  const lossRows = byCause.length >= 5 ? byCause : closed;
  const lossShare = lossRows.length ? lossRows.filter((r) => r.lost).length / lossRows.length : DEFAULT_DISPUTE_LOSS;
  if (rows.length === 0) return { q: [age + 7, age + 30, age + 75], lossShare };
  const sorted = rows.map((r) => r.daysOpen).sort((a, b) => a - b);
  return { q: quantilesOf(sorted), lossShare };
}

/** Segment → days late of the invoices paid in the year before as-of (ascending): the prior thin customer histories shrink to. */
export function segmentPools(customers: readonly CustomerInfo[]): Map<string, number[]> {
  const pools = new Map<string, number[]>();
  for (const c of customers) {
    const pool = pools.get(c.segment) ?? [];
    for (const x of c.daysLate) pool.push(x);
    pools.set(c.segment, pool);
  }
  for (const pool of pools.values()) pool.sort((a, b) => a - b);
  return pools;
}

export function buildItems(scores: readonly InvoiceOutlook[], inputs: ForecastInputs, opts: BuildOptions): BuiltItems {
  const asOfDay = dayNumber(opts.asOf);
  const firstWeekDay = isoWeekStartDay(asOfDay + 1);
  const lo = asOfDay + 1 - firstWeekDay;
  const off = (date: string) => dayNumber(date) - firstWeekDay;
  const notes: string[] = [];
  const rates = new Map(inputs.fx.map((f) => [f.currency, f.rate]));
  const rateOf = (cur: string): number | null => {
    if (opts.currency !== null) return cur === opts.currency ? 1 : null;
    const r = rates.get(cur);
    if (r === null || r === undefined) {
      if (!notes.includes(`no fx rate for ${cur}`)) notes.push(`no fx rate for ${cur}`);
      return null;
    }
    return r;
  };
  const rows: Row[] = [];
  const mode = opts.mode ?? 'model';
  // part of invoicing settled by credit notes rather than cash (write-offs are in p_write_off for open AR)
  const st = inputs.settlement;
  const creditRate = st.invoiced > 0 ? Math.min(0.5, st.credited / st.invoiced) : 0;
  const newLoss = mode !== 'model' ? 0 : st.invoiced > 0 ? Math.min(0.5, (st.credited + st.writtenOff) / st.invoiced) : 0;
  notes.push(`credit-note share ${(100 * creditRate).toFixed(1)} %, credit + write-off share of new invoicing ${(100 * newLoss).toFixed(1)} %`);
  const keep = inputs.promiseHistory.settled >= 10 ? inputs.promiseHistory.kept / inputs.promiseHistory.settled : DEFAULT_PROMISE_KEEP;

  // promises: invoice-level first, customer-level spread over the customer's open invoices by due date
  const promisedByInvoice = new Map<string, { amount: number; day: number }>();
  const byCustomer = new Map<string, InvoiceOutlook[]>();
  for (const s of scores) {
    if (s.openAmount <= 0) continue;
    const list = byCustomer.get(s.customerId) ?? [];
    list.push(s);
    byCustomer.set(s.customerId, list);
  }
  const openById = new Map(scores.map((s) => [s.invoiceId, s]));
  for (const p of inputs.promises) {
    const day = Math.max(lo, off(p.promisedDate));
    const targets = p.invoiceId ? [openById.get(p.invoiceId)].filter((s): s is InvoiceOutlook => s !== undefined) : [...(byCustomer.get(p.customerId) ?? [])].sort((a, b) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : 0));
    let left = p.amount;
    for (const s of targets) {
      if (left <= 0) break;
      const cur = promisedByInvoice.get(s.invoiceId);
      const room = s.openAmount - (cur?.amount ?? 0);
      const take = Math.min(room, left);
      if (take <= 0) continue;
      promisedByInvoice.set(s.invoiceId, { amount: (cur?.amount ?? 0) + take, day: cur ? Math.min(cur.day, day) : day });
      left -= take;
    }
  }
  const disputesByInvoice = new Map<string, OpenDispute[]>();
  for (const d of inputs.disputes) disputesByInvoice.set(d.invoiceId, [...(disputesByInvoice.get(d.invoiceId) ?? []), d]);

  const customers = new Map(inputs.customers.map((c) => [c.customerId, c]));
  const allDays = inputs.customers.flatMap((c) => c.daysLate.map((x) => x + c.termsDays));
  const globalAvg = allDays.length ? allDays.reduce((a, b) => a + b, 0) / allDays.length : 30;
  const avgDays = (c: CustomerInfo | undefined) => (c && c.daysLate.length ? c.termsDays + c.daysLate.reduce((a, b) => a + b, 0) / c.daysLate.length : globalAvg);
  const fixed = (amount: number, day: number, ref: ItemRef): Row => ({ amount, lo, q10: day, q50: day, q90: day, pLoss: 0, pPoint: 0, pointDay: 0, ref });

  for (const s of scores) {
    if (s.openAmount <= 0) continue;
    const rate = rateOf(s.currency);
    if (rate === null) continue;
    const ref: ItemRef = { component: 'open_ar', customerId: s.customerId, itemId: s.invoiceId, currency: s.currency, rate };
    const inv = off(s.invoiceDate);
    if (mode !== 'model') {
      rows.push(fixed(s.openAmount * rate, mode === 'due_date' ? off(s.dueDate) : inv + Math.round(avgDays(customers.get(s.customerId))), ref));
      continue;
    }
    const base = { lo, q10: inv + s.daysToPayP10, q50: inv + s.daysToPayP50, q90: inv + s.daysToPayP90, pLoss: 1 - (1 - s.pWriteOff) * (1 - (mode === 'model' ? creditRate : 0)), pPoint: 0, pointDay: 0, ref };
    let rest = s.openAmount;
    for (const d of disputesByInvoice.get(s.invoiceId) ?? []) {
      const amt = Math.min(rest, d.amount);
      if (amt <= 0) continue;
      const age = daysBetween(d.openedDate, opts.asOf);
      const { q, lossShare } = disputeOutlook(inputs.closedDisputes, d.cause, age);
      const o = off(d.openedDate) + PAY_AFTER_RESOLUTION;
      rows.push({ ...base, amount: amt * rate, q10: o + q[0], q50: o + q[1], q90: o + q[2], pLoss: 1 - (1 - lossShare) * (1 - s.pWriteOff) });
      rest -= amt;
    }
    const pr = promisedByInvoice.get(s.invoiceId);
    if (pr && rest > 0) {
      const amt = Math.min(rest, pr.amount);
      rows.push({ ...base, amount: amt * rate, pPoint: keep, pointDay: pr.day });
      rest -= amt;
    }
    if (rest > 0.004) rows.push({ ...base, amount: rest * rate });
  }

  // pay-delay of a new invoice of each customer: the same days-late model, unconditioned
  const params = opts.daysParams ?? DEFAULT_DAYS_PARAMS;
  const pools = segmentPools(inputs.customers);
  const fallbackPool = [...pools.values()].flat().sort((a, b) => a - b);
  const delays = new Map<string, { terms: number; q: [number, number, number] }>();
  const delayOf = (c: CustomerInfo | undefined) => {
    const key = c?.customerId ?? '';
    let d = delays.get(key);
    if (!d && mode !== 'model') {
      const terms = c?.termsDays ?? 30;
      const x = mode === 'due_date' ? 0 : avgDays(c) - terms;
      d = { terms, q: [x, x, x] };
      delays.set(key, d);
    }
    if (!d) {
      const seg = c ? pools.get(c.segment) : undefined;
      const pool = seg && seg.length >= 20 ? seg : fallbackPool;
      const dist = daysLateDistribution(c?.daysLate ?? [], pool, -10_000, params);
      d = { terms: c?.termsDays ?? 30, q: [dist.p10, dist.p50, dist.p90] };
      delays.set(key, d);
    }
    return d;
  };
  const ordersByWeek = new Map<number, number>();
  for (const o of inputs.orders) {
    const rate = rateOf(o.currency);
    if (rate === null || o.amount <= 0) continue;
    const expected = o.expectedInvoiceDate ?? addDays(o.orderDate, Math.round(inputs.orderLagDays ?? 7));
    const invDay = Math.max(lo, off(expected));
    const { terms, q } = delayOf(customers.get(o.customerId));
    const wk = Math.floor(invDay / 7);
    ordersByWeek.set(wk, (ordersByWeek.get(wk) ?? 0) + o.amount * rate);
    rows.push({
      amount: o.amount * rate, lo: invDay, q10: invDay + terms + q[0], q50: invDay + terms + q[1], q90: invDay + terms + q[2], pLoss: newLoss, pPoint: 0, pointDay: 0,
      ref: { component: 'orders', customerId: o.customerId, itemId: o.orderId, currency: o.currency, rate },
    });
  }

  // new business: run-rate invoicing not already covered by open orders, spread over customers by recent share
  const lastComplete = isoWeekStartDay(asOfDay + 1) - 7; // the week holding as-of counts only if it ends on as-of
  const history = new Map<number, number>();
  const share = new Map<string, number>();
  let shareTotal = 0;
  for (const r of inputs.invoicing) {
    const rate = rateOf(r.currency);
    if (rate === null) continue;
    const wd = dayNumber(r.weekStart);
    if (wd > lastComplete) continue;
    history.set(wd, (history.get(wd) ?? 0) + r.amount * rate);
    if (wd > lastComplete - 26 * 7) {
      share.set(r.customerId, (share.get(r.customerId) ?? 0) + r.amount * rate);
      shareTotal += r.amount * rate;
    }
  }
  const weekDays = Array.from({ length: opts.weeks }, (_, k) => firstWeekDay + 7 * k);
  const rr = history.size ? invoicingRunRate({ history, lastCompleteWeek: lastComplete, weeks: weekDays }) : { method: 'none', perWeek: weekDays.map(() => 0) };
  notes.push(`new business run-rate: ${rr.method}`);
  const nbRefs = new Map<string, ItemRef>();
  const nbRef = (cust: string): ItemRef => {
    let r = nbRefs.get(cust);
    if (!r) nbRefs.set(cust, (r = { component: 'new_business', customerId: cust, itemId: null, currency: opts.currency ?? opts.baseCurrency, rate: 1 }));
    return r;
  };
  if (shareTotal > 0) {
    rr.perWeek.forEach((f, k) => {
      const startDay = Math.max(lo, 7 * k);
      const frac = (7 * k + 7 - startDay) / 7;
      const amount = Math.max(0, f * frac - (ordersByWeek.get(k) ?? 0));
      if (amount <= 0) return;
      const mid = (startDay + 7 * k + 6) / 2;
      for (const [cust, v] of share) {
        const { terms, q } = delayOf(customers.get(cust));
        rows.push({
          amount: (amount * v) / shareTotal, lo: startDay, q10: mid + terms + q[0], q50: mid + terms + q[1], q90: mid + terms + q[2], pLoss: newLoss, pPoint: 0, pointDay: 0,
          ref: nbRef(cust),
        });
      }
    });
  }

  const items = allocItems(rows.length);
  rows.forEach((r, i) => {
    items.amount[i] = r.amount;
    items.lo[i] = r.lo;
    items.q10[i] = Math.max(r.lo, r.q10);
    items.q50[i] = Math.max(r.lo, r.q50, r.q10);
    items.q90[i] = Math.max(r.lo, r.q90, r.q50, r.q10);
    items.pLoss[i] = Math.min(1, Math.max(0, r.pLoss));
    items.pPoint[i] = r.pPoint;
    items.pointDay[i] = r.pointDay;
    items.component[i] = COMPONENTS.indexOf(r.ref.component);
  });
  const weekendRoll = mode === 'model' ? weekendRollOf(inputs.weekendReceiptShare) : 0;
  if (mode === 'model') notes.push(`weekend pay days credited next Monday with probability ${weekendRoll.toFixed(2)}`);
  return { items, refs: rows.map((r) => r.ref), firstWeekDay, weekendRoll, notes };
}
