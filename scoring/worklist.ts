/**
 * The collector worklist as pure maths: for each customer, the expected value of contacting them
 * today — open amount × P(still unpaid and past due at the strategy's horizon) × how much a contact
 * helps at this stage − the contact's effort —
 * with boosts for broken promises, promises due today, strategy steps crossed today, exposure over
 * the credit limit and deteriorating scores; then each collector's list cut at their capacity.
 * Disputed items go to the dispute owner, promised items wait for their date, and a recent contact
 * suppresses a repeat call, so the list only holds work a collector should do today.
 */
import { addDays, daysBetween } from '../core/as-of.ts';
import { stepAt, treatmentFor, upliftAt, type Strategy } from './strategy.ts';
import { pUnpaidAfter, type PayDays } from './worklist/horizon.ts';

export interface WorkItemInput {
  readonly invoiceId: string;
  readonly openBase: number;
  readonly openDoc: string;
  readonly currency: string;
  readonly dueDate: string;
  readonly daysPastDue: number;
  readonly pLate: number;
  readonly pLate30: number;
  readonly pWriteOff: number;
  /** Days from the as-of date to the model's P10/P50/P90 payment dates (invoice_scores.days_to_pay_*). */
  readonly payDays: PayDays;
  readonly dispute: { disputeId: string; cause: string; owner: string | null } | null;
  /** An open promise to pay that names this invoice. */
  readonly promisedDate: string | null;
}

export type ItemStatus = 'actionable' | 'disputed' | 'promised';

/** What the per-customer decision reads of an item; the stored item list (`WorklistEntry.items`) needs the rest. */
export type DecisionItem = Pick<WorkItemInput, 'invoiceId' | 'openBase' | 'daysPastDue' | 'pWriteOff' | 'payDays' | 'promisedDate'> & {
  readonly dispute: { readonly cause: string | null; readonly owner: string | null } | null;
};

/** The customer-level inputs of the decision (everything of CustomerInput but its items). */
export type CustomerContext = Omit<CustomerInput, 'items'>;

export interface CustomerInput {
  readonly customerId: string;
  readonly name: string;
  readonly collectorId: string | null;
  readonly segment: string | null;
  readonly riskClass: string | null;
  readonly score: number | null;
  readonly previousScore: number | null;
  readonly strategic: boolean;
  readonly creditLimitBase: number | null;
  readonly exposureBase: number;
  readonly contact: { name: string | null; email: string | null; phone: string | null };
  readonly lastContactDate: string | null;
  /** Latest promised date of a broken promise in the last 30 days. */
  readonly brokenPromiseDate: string | null;
  /** An open promise on the whole account (no invoice named). */
  readonly accountPromiseDate: string | null;
  readonly promiseDueToday: boolean;
  readonly items: readonly WorkItemInput[];
}

export interface CollectorInput {
  readonly collectorId: string;
  readonly dailyCapacity: number;
}

export type Queue = 'collector' | 'team' | 'dispute_owner' | 'suppressed';

export interface WorklistEntry {
  readonly customerId: string;
  readonly name: string;
  readonly collectorId: string | null;
  queue: Queue;
  rank: number | null;
  readonly score: number;
  readonly totalOpen: number;
  readonly totalOverdue: number;
  readonly totalAtRisk: number;
  readonly maxDaysPastDue: number;
  readonly action: string;
  readonly channel: string;
  readonly step: string;
  readonly reasons: string[];
  readonly suppressedBy: string | null;
  /**
   * Open work no business rule holds back (an item not disputed or promised, no contact in the last
   * `recentContactDays` unless a promise broke or falls due today), whatever the ranking says: the
   * population any ranking must choose from, which is how `evaluate:worklist` compares rankings fairly.
   */
  readonly contactable: boolean;
  readonly items: {
    invoiceId: string;
    openAmount: string;
    currency: string;
    dueDate: string;
    daysPastDue: number;
    pLate: number;
    pLate30: number;
    status: 'actionable' | 'disputed' | 'promised';
  }[];
}

// one formatter per currency: constructing Intl.NumberFormat costs more than the rest of a customer's scoring
const formatters = new Map<string, Intl.NumberFormat>();
const money = (n: number, currency: string) => {
  let f = formatters.get(currency);
  if (!f) {
    f = new Intl.NumberFormat('en-US', { style: 'currency', currency, maximumFractionDigits: 0 });
    formatters.set(currency, f);
  }
  return f.format(n);
};
const pct = (p: number) => `${Math.round(p * 100)}%`;

/**
 * Probability that an item is past due and still unpaid `horizonDays` after the as-of date: zero when it
 * falls due after the horizon, else the model's chance it is neither paid by then nor ever (write-off).
 */
export function itemRisk(item: Pick<WorkItemInput, 'daysPastDue' | 'pWriteOff' | 'payDays'>, horizonDays: number): number {
  if (item.daysPastDue + horizonDays <= 0) return 0;
  return pUnpaidAfter(item.payDays, item.pWriteOff, horizonDays);
}

/**
 * An item's state for the worklist: disputed, waiting for a promised date (its own promise or one on the
 * whole account, until `promiseGraceDays` after the date), or actionable. The fast build computes the same
 * rule in SQL (worklist/pack-items.sql) for the stored item list; test/worklist/worklist-reference.test.ts
 * holds the two to the same output.
 */
export function itemStatus(asOf: string, i: Pick<DecisionItem, 'dispute' | 'promisedDate'>, accountPromiseDate: string | null, strategy: Strategy): ItemStatus {
  if (i.dispute) return 'disputed';
  const promised = i.promisedDate ?? accountPromiseDate;
  if (promised && daysBetween(asOf, promised) + strategy.suppression.promiseGraceDays >= 0) return 'promised';
  return 'actionable';
}

export function scoreCustomer(asOf: string, c: CustomerInput, strategy: Strategy, baseCurrency: string): WorklistEntry {
  const statuses = c.items.map((i) => itemStatus(asOf, i, c.accountPromiseDate, strategy));
  const decision = decideCustomer(asOf, c, c.items, statuses, strategy, baseCurrency);
  return {
    ...decision,
    items: c.items.map((i, k) => ({
      invoiceId: i.invoiceId,
      openAmount: i.openDoc,
      currency: i.currency,
      dueDate: i.dueDate,
      daysPastDue: i.daysPastDue,
      pLate: i.pLate,
      pLate30: i.pLate30,
      status: statuses[k] ?? 'actionable',
    })),
  };
}

/**
 * Everything of a customer's worklist entry but its item list: value, action, reasons and queue, from the
 * customer's context, its items (in due-date order) and each item's status (`statuses[k]` for `items[k]`).
 */
export function decideCustomer(
  asOf: string,
  c: CustomerContext,
  itemList: readonly DecisionItem[],
  statuses: readonly ItemStatus[],
  strategy: Strategy,
  baseCurrency: string,
): Omit<WorklistEntry, 'items'> {
  const horizon = strategy.horizonDays;
  const treatment = treatmentFor(strategy, c.segment, c.riskClass);
  // One pass per quantity over item indices, in item order (sums keep their order, so totals stay the same
  // to the last bit): this runs for every customer of the book on every build.
  const n = itemList.length;
  // once per item: the same probability feeds the totals, the value, and the riskiest-item reason
  const risk: number[] = new Array<number>(n);
  const actionable: number[] = [];
  let totalOpen = 0;
  let totalOverdue = 0;
  for (let k = 0; k < n; k += 1) {
    const i = itemList[k] as DecisionItem;
    risk[k] = itemRisk(i, horizon);
    totalOpen += i.openBase;
    if (i.daysPastDue > 0) totalOverdue += i.openBase;
    if ((statuses[k] ?? 'actionable') === 'actionable' && i.openBase > 0) actionable.push(k);
  }
  const item = (k: number) => itemList[k] as DecisionItem;
  const riskOf = (k: number) => risk[k] ?? 0;
  let totalAtRisk = 0;
  let maxDpd = Number.NEGATIVE_INFINITY;
  // items past a step of the treatment drive the contact
  const due: number[] = [];
  for (const k of actionable) {
    const i = item(k);
    totalAtRisk += i.openBase * riskOf(k);
    maxDpd = Math.max(maxDpd, i.daysPastDue);
    if (stepAt(treatment.steps, i.daysPastDue) !== undefined) due.push(k);
  }
  const step = actionable.length ? stepAt(treatment.steps, maxDpd) : undefined;

  let channel: string = step?.channel ?? 'email';
  let action = step?.action ?? 'no contact due yet';
  if (channel === 'agency' && (c.strategic || totalAtRisk < strategy.agency.minAmount)) {
    channel = 'call';
    action = c.strategic ? 'escalate to the account manager (strategic account: no agency)' : 'final call before agency (amount below the agency threshold)';
  }
  // Items past a step of the treatment drive the contact; items not yet due ride along (one call
  // covers all of a customer's items) at the strategy's pre-due uplift.
  let gross = 0;
  if (due.length) for (const k of actionable) gross += item(k).openBase * riskOf(k) * upliftAt(strategy, item(k).daysPastDue);
  let value = gross - (strategy.effort[channel as keyof typeof strategy.effort] ?? 0);

  const reasons: string[] = [];
  const boosts: string[] = [];
  const b = strategy.boosts;
  if (c.brokenPromiseDate) {
    value *= b.brokenPromise;
    boosts.push(`broke a promise to pay due ${c.brokenPromiseDate}`);
  }
  if (c.promiseDueToday) {
    value *= b.promiseDueToday;
    boosts.push('a promise to pay falls due today: check the payment arrived');
  }
  // the first step (in item order) an actionable item reaches exactly today
  let crossed: string | undefined;
  for (let x = 0; x < actionable.length && crossed === undefined; x += 1) {
    const dpd = item(actionable[x] as number).daysPastDue;
    crossed = treatment.steps.find((s) => s.fromDays === dpd)?.name;
  }
  if (crossed !== undefined) {
    value *= b.stepCrossedToday;
    boosts.push(`reached the "${crossed}" step today`);
  }
  if (c.creditLimitBase !== null && c.creditLimitBase > 0 && c.exposureBase > c.creditLimitBase) {
    value *= b.overCreditLimit;
    boosts.push(`exposure ${money(c.exposureBase, baseCurrency)} is ${pct(c.exposureBase / c.creditLimitBase)} of the ${money(c.creditLimitBase, baseCurrency)} credit limit`);
  }
  if (c.score !== null && c.previousScore !== null && c.previousScore - c.score >= b.deterioratingPoints) {
    value *= b.deteriorating;
    boosts.push(`risk score fell from ${c.previousScore} to ${c.score} in the last month`);
  }
  if (actionable.length) {
    let overdueSum = 0;
    let overdueCount = 0;
    let actionableSum = 0;
    for (const k of actionable) {
      const i = item(k);
      actionableSum += i.openBase;
      if (i.daysPastDue > 0) {
        overdueSum += i.openBase;
        overdueCount += 1;
      }
    }
    reasons.push(
      overdueCount
        ? `${money(overdueSum, baseCurrency)} overdue on ${overdueCount} invoice${overdueCount > 1 ? 's' : ''}, oldest ${maxDpd} days past due`
        : `${money(actionableSum, baseCurrency)} falling due, earliest in ${-maxDpd} days`,
    );
  }
  reasons.push(...boosts);
  // the first due item holding the most money at risk
  let riskiest = -1;
  for (const k of due) if (riskiest < 0 || item(k).openBase * riskOf(k) > item(riskiest).openBase * riskOf(riskiest)) riskiest = k;
  if (riskiest >= 0 && riskOf(riskiest) > 0) {
    const r = item(riskiest);
    reasons.push(
      `model: ${pct(riskOf(riskiest))} chance the ${money(r.openBase, baseCurrency)} of invoice ${r.invoiceId} is still unpaid on ${addDays(asOf, horizon)}` +
        ` (median expected payment ${addDays(asOf, r.payDays.p50)})`,
    );
  }

  let queue: Queue = c.collectorId ? 'collector' : 'team';
  let suppressedBy: string | null = null;
  const contactedDaysAgo = c.lastContactDate ? daysBetween(c.lastContactDate, asOf) : null;
  const recentlyContacted =
    contactedDaysAgo !== null && contactedDaysAgo < strategy.suppression.recentContactDays && !c.brokenPromiseDate && !c.promiseDueToday;
  if (!actionable.length) {
    const disputed = itemList[statuses.indexOf('disputed')];
    if (disputed) {
      queue = 'dispute_owner';
      suppressedBy = `all open items disputed (${disputed.dispute?.cause ?? 'dispute'}); routed to ${disputed.dispute?.owner ?? 'the dispute owner'}`;
    } else {
      queue = 'suppressed';
      const promised = itemList[statuses.indexOf('promised')];
      suppressedBy = promised ? `promise to pay due ${promised.promisedDate ?? c.accountPromiseDate}` : 'nothing open to collect';
    }
  } else if (!step) {
    queue = 'suppressed';
    suppressedBy = `no treatment step reached yet (${treatment.name} strategy starts at ${treatment.steps[0]?.fromDays ?? 0} days)`;
  } else if (recentlyContacted) {
    queue = 'suppressed';
    suppressedBy = `contacted ${contactedDaysAgo === 0 ? 'today' : `${contactedDaysAgo} day${contactedDaysAgo > 1 ? 's' : ''} ago`} (${c.lastContactDate})`;
  }

  if ((queue === 'collector' || queue === 'team') && value <= 0) {
    queue = 'suppressed';
    suppressedBy = 'expected recovery is below the cost of a contact';
  }

  return {
    customerId: c.customerId,
    name: c.name,
    collectorId: c.collectorId,
    queue,
    rank: null,
    score: Math.round(value * 100) / 100,
    totalOpen: round2(totalOpen),
    totalOverdue: round2(totalOverdue),
    totalAtRisk: round2(totalAtRisk),
    maxDaysPastDue: Number.isFinite(maxDpd) ? maxDpd : Math.max(0, ...itemList.map((i) => i.daysPastDue)),
    action: queue === 'dispute_owner' ? 'resolve the dispute' : action,
    channel: queue === 'dispute_owner' ? 'dispute' : channel,
    step: step?.name ?? 'none',
    reasons: reasons.slice(0, 3),
    suppressedBy,
    contactable: actionable.length > 0 && !recentlyContacted,
  };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** String order by UTF-16 code units: locale-independent, and DuckDB's varchar order for the ids we compare. */
export const codePointOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Ranks every customer and fills each collector's list up to their daily capacity; what does not fit,
 * and customers with no (known) collector, go to the team queue, ranked the same way.
 */
export function buildWorklists(
  asOf: string,
  customers: readonly CustomerInput[],
  collectors: readonly CollectorInput[],
  strategy: Strategy,
  baseCurrency: string,
): WorklistEntry[] {
  const capacity = new Map(collectors.map((c) => [c.collectorId, c.dailyCapacity]));
  const entries = customers.map((c) => scoreCustomer(asOf, c, strategy, baseCurrency));
  // ties break on the customer id in code-point order, as DuckDB orders varchar (the fast build ranks in SQL)
  const byScore = (a: WorklistEntry, b: WorklistEntry) => b.score - a.score || codePointOrder(a.customerId, b.customerId);
  const used = new Map<string, number>();
  const team: WorklistEntry[] = [];
  for (const e of entries.filter((x) => x.queue === 'collector' || x.queue === 'team').sort(byScore)) {
    const cap = e.collectorId ? capacity.get(e.collectorId) : undefined;
    const n = e.collectorId ? (used.get(e.collectorId) ?? 0) : 0;
    if (e.queue === 'collector' && cap !== undefined && n < cap) {
      used.set(e.collectorId as string, n + 1);
      e.rank = n + 1;
    } else {
      e.queue = 'team';
      team.push(e);
    }
  }
  team.forEach((e, i) => {
    e.rank = i + 1;
  });
  return entries;
}
