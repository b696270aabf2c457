// The worklist scoring as it was before the set-based build (commit 940ca62, scoring/worklist.ts), kept verbatim
// but for import paths as the reference test/worklist/worklist-reference.test.ts compares the current build with.
/**
 * The collector worklist as pure maths: for each customer, the expected value of contacting them
 * today — open amount × P(still unpaid and past due at the strategy's horizon) × how much a contact
 * helps at this stage − the contact's effort —
 * with boosts for broken promises, promises due today, strategy steps crossed today, exposure over
 * the credit limit and deteriorating scores; then each collector's list cut at their capacity.
 * Disputed items go to the dispute owner, promised items wait for their date, and a recent contact
 * suppresses a repeat call, so the list only holds work a collector should do today.
 */
import { addDays, daysBetween } from '../../core/as-of.ts';
import { stepAt, treatmentFor, upliftAt, type Strategy } from '../../scoring/strategy.ts';
import { pUnpaidAfter, type PayDays } from '../../scoring/worklist/horizon.ts';

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

export function scoreCustomer(asOf: string, c: CustomerInput, strategy: Strategy, baseCurrency: string): WorklistEntry {
  const status = (i: WorkItemInput): 'actionable' | 'disputed' | 'promised' => {
    if (i.dispute) return 'disputed';
    const promised = i.promisedDate ?? c.accountPromiseDate;
    if (promised && daysBetween(asOf, promised) + strategy.suppression.promiseGraceDays >= 0) return 'promised';
    return 'actionable';
  };
  const horizon = strategy.horizonDays;
  // once per item: the same probability feeds the totals, the value, and the riskiest-item reason
  const riskOf = new Map(c.items.map((i) => [i, itemRisk(i, horizon)]));
  const risk = (i: WorkItemInput) => riskOf.get(i) ?? 0;
  const items = c.items.map((i) => ({ i, s: status(i) }));
  const actionable = items.filter((x) => x.s === 'actionable' && x.i.openBase > 0).map((x) => x.i);
  const totalOpen = c.items.reduce((a, i) => a + i.openBase, 0);
  const totalOverdue = c.items.filter((i) => i.daysPastDue > 0).reduce((a, i) => a + i.openBase, 0);
  const totalAtRisk = actionable.reduce((a, i) => a + i.openBase * risk(i), 0);
  const maxDpd = actionable.reduce((m, i) => Math.max(m, i.daysPastDue), Number.NEGATIVE_INFINITY);
  const treatment = treatmentFor(strategy, c.segment, c.riskClass);
  const step = actionable.length ? stepAt(treatment.steps, maxDpd) : undefined;

  let channel: string = step?.channel ?? 'email';
  let action = step?.action ?? 'no contact due yet';
  if (channel === 'agency' && (c.strategic || totalAtRisk < strategy.agency.minAmount)) {
    channel = 'call';
    action = c.strategic ? 'escalate to the account manager (strategic account: no agency)' : 'final call before agency (amount below the agency threshold)';
  }
  // Items past a step of the treatment drive the contact; items not yet due ride along (one call
  // covers all of a customer's items) at the strategy's pre-due uplift.
  const due = actionable.filter((i) => stepAt(treatment.steps, i.daysPastDue) !== undefined);
  const gross = due.length ? actionable.reduce((a, i) => a + i.openBase * risk(i) * upliftAt(strategy, i.daysPastDue), 0) : 0;
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
  const crossed = actionable.flatMap((i) => treatment.steps.filter((s) => s.fromDays === i.daysPastDue).map((s) => s.name));
  if (crossed.length) {
    value *= b.stepCrossedToday;
    boosts.push(`reached the "${crossed[0]}" step today`);
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
    const overdue = actionable.filter((i) => i.daysPastDue > 0);
    reasons.push(
      overdue.length
        ? `${money(overdue.reduce((a, i) => a + i.openBase, 0), baseCurrency)} overdue on ${overdue.length} invoice${overdue.length > 1 ? 's' : ''}, oldest ${maxDpd} days past due`
        : `${money(actionable.reduce((a, i) => a + i.openBase, 0), baseCurrency)} falling due, earliest in ${-maxDpd} days`,
    );
  }
  reasons.push(...boosts);
  const riskiest = due.reduce<WorkItemInput | undefined>((best, i) => (!best || i.openBase * risk(i) > best.openBase * risk(best) ? i : best), undefined);
  if (riskiest && risk(riskiest) > 0) {
    reasons.push(
      `model: ${pct(risk(riskiest))} chance the ${money(riskiest.openBase, baseCurrency)} of invoice ${riskiest.invoiceId} is still unpaid on ${addDays(asOf, horizon)}` +
        ` (median expected payment ${addDays(asOf, riskiest.payDays.p50)})`,
    );
  }

  let queue: Queue = c.collectorId ? 'collector' : 'team';
  let suppressedBy: string | null = null;
  const contactedDaysAgo = c.lastContactDate ? daysBetween(c.lastContactDate, asOf) : null;
  const recentlyContacted =
    contactedDaysAgo !== null && contactedDaysAgo < strategy.suppression.recentContactDays && !c.brokenPromiseDate && !c.promiseDueToday;
  if (!actionable.length) {
    const disputed = items.find((x) => x.s === 'disputed');
    if (disputed) {
      queue = 'dispute_owner';
      suppressedBy = `all open items disputed (${disputed.i.dispute?.cause ?? 'dispute'}); routed to ${disputed.i.dispute?.owner ?? 'the dispute owner'}`;
    } else {
      queue = 'suppressed';
      const promised = items.find((x) => x.s === 'promised');
      suppressedBy = promised ? `promise to pay due ${promised.i.promisedDate ?? c.accountPromiseDate}` : 'nothing open to collect';
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
    maxDaysPastDue: Number.isFinite(maxDpd) ? maxDpd : Math.max(0, ...c.items.map((i) => i.daysPastDue)),
    action: queue === 'dispute_owner' ? 'resolve the dispute' : action,
    channel: queue === 'dispute_owner' ? 'dispute' : channel,
    step: step?.name ?? 'none',
    reasons: reasons.slice(0, 3),
    suppressedBy,
    contactable: actionable.length > 0 && !recentlyContacted,
    items: items.map(({ i, s }) => ({
      invoiceId: i.invoiceId,
      openAmount: i.openDoc,
      currency: i.currency,
      dueDate: i.dueDate,
      daysPastDue: i.daysPastDue,
      pLate: i.pLate,
      pLate30: i.pLate30,
      status: s,
    })),
  };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

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
  const byScore = (a: WorklistEntry, b: WorklistEntry) => b.score - a.score || a.customerId.localeCompare(b.customerId);
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
