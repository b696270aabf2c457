/**
 * One cash-application pass at an as-of date: load open items and unapplied payments, match each
 * payment (oldest first, so two payments of one invoice see what the first left open), and write
 * applications, on-account cash, deduction candidates and the exceptions queue in one transaction.
 * Idempotent: only the unapplied remainder of a payment is ever matched, and the open exceptions
 * are rebuilt each time.
 */
import { randomUUID } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Warehouse } from '../../core/warehouse.ts';
import { CUSTOMERS_SQL, FX_RATES_SQL, LEARNED_ACCOUNTS_SQL, PENDING_PAYMENTS_SQL, REJECTIONS_SQL } from './queries.ts';
import { loadCandidates, type Candidates } from './candidates.ts';
import { FxRates } from './match-fx.ts';
import {
  MatchContext,
  decide,
  type MatchOptions,
  type PaymentToMatch,
  type Proposal,
} from './matcher.ts';
import { appendRows } from './append.ts';
import { readRows } from './bulk-read.ts';

export interface PendingPayment extends PaymentToMatch {
  readonly bankReference: string | null;
}

const PAYMENT_COLUMNS = ['payment_id', 'customer_id', 'payer_name', 'received_date', 'value_date', 'remaining_cents', 'currency', 'reference', 'remittance_text', 'bank_account', 'bank_reference'] as const;

export async function loadPendingPayments(wh: Warehouse, asOf: string): Promise<PendingPayment[]> {
  const rows = await readRows(wh, PENDING_PAYMENTS_SQL, PAYMENT_COLUMNS, [asOf]);
  return rows.map(([paymentId, customerId, payerName, receivedDate, valueDate, remaining, currency, reference, remittanceText, bankAccount, bankReference]) => ({
    paymentId: paymentId ?? '',
    customerId: customerId ?? null,
    payerName: payerName ?? null,
    receivedDate: receivedDate ?? '',
    valueDate: valueDate ?? null,
    amountCents: BigInt(remaining ?? '0'),
    currency: currency ?? '',
    reference: reference ?? null,
    remittanceText: remittanceText ?? null,
    bankAccount: bankAccount ?? null,
    bankReference: bankReference ?? null,
  }));
}

/**
 * Everything the matcher knows at the as-of date for a pass over `payments`: customers, learned payer
 * accounts, rejections, FX rates, and the open items of the customers in play (candidates.ts).
 */
export async function buildContext(
  wh: Warehouse,
  asOf: string,
  pending: readonly PaymentToMatch[] | Promise<readonly PaymentToMatch[]>,
  options: Partial<MatchOptions> = {},
): Promise<{ ctx: MatchContext; candidates: Candidates }> {
  // The payments may still be loading: they are needed only for the candidates.
  const [customers, accounts, rejections, rates, payments] = await Promise.all([
    readRows(wh, CUSTOMERS_SQL, ['customer_id', 'name', 'parent_id']),
    readRows(wh, LEARNED_ACCOUNTS_SQL, ['bank_account', 'customer_id', 'n'], [asOf]),
    readRows(wh, REJECTIONS_SQL, ['payment_id', 'target']),
    readRows(wh, FX_RATES_SQL, ['rate_date', 'currency', 'base_currency', 'rate'], [asOf]),
    pending,
  ]);
  const ctx = new MatchContext(
    [],
    customers.map(([customerId, name, parentId]) => ({ customerId: customerId ?? '', name: name ?? '', parentId: parentId ?? null })),
    options,
  );
  for (const [account, customerId, n] of accounts) if (account && customerId) ctx.learnAccount(account, customerId, Number(n));
  for (const [paymentId, target] of rejections) if (paymentId && target) ctx.reject(paymentId, target);
  ctx.fx = new FxRates(
    rates.map(([rateDate, currency, baseCurrency, rate]) => ({ rateDate: rateDate ?? '', currency: currency ?? '', baseCurrency: baseCurrency ?? '', rate: Number(rate) })),
  );
  const candidates = await loadCandidates(wh, ctx, asOf, payments);
  ctx.addItems(candidates.items, candidates.referenceItems);
  return { ctx, candidates };
}

export interface CashApplicationResult {
  readonly asOf: string;
  readonly payments: number;
  readonly autoApplied: number;
  readonly exceptions: number;
  readonly applications: number;
  readonly onAccount: number;
  readonly deductions: number;
  readonly ms: { load: number; match: number; write: number };
  /** CPU milliseconds of the whole process per phase (DuckDB's threads included); wall time on a shared machine measures the neighbours too. */
  readonly cpuMs: { load: number; match: number; write: number };
}

export interface RunOptions extends Partial<MatchOptions> {
  readonly runId?: string | null;
  /** Auto matches at or above this confidence teach the payer's account for later payments of the run. */
  readonly learnFromAutoAbove?: number;
}

interface AppRow {
  application_id: string;
  payment_id: string;
  invoice_id: string | null;
  credit_note_id: string | null;
  amount_cents: bigint;
  /** Cross-currency applications: what was taken from the payment, in its currency, and the rate. */
  payment_amount_cents?: bigint | null;
  fx_rate?: number | null;
  applied_date: string;
  rule: string;
  confidence: number;
  evidence: string;
}

function evidenceJson(p: Proposal): string {
  return JSON.stringify({ customerId: p.customerId, evidence: p.evidence });
}

/** Ranked candidates as stored in the exceptions queue (money as decimal strings). */
export function candidatesJson(list: readonly Proposal[]): string {
  return JSON.stringify(
    list.map((c, i) => ({
      rank: i + 1,
      customerId: c.customerId,
      rule: c.rule,
      confidence: c.confidence,
      allocations: c.allocations.map((a) => ({
        invoiceId: a.kind === 'invoice' ? a.id : null,
        creditNoteId: a.kind === 'credit_note' ? a.id : null,
        amount: centsText(a.cents),
        discounted: a.discounted,
        ...(a.paymentCents !== undefined ? { paymentAmount: centsText(a.paymentCents), fxRate: a.fxRate ?? null } : {}),
      })),
      onAccount: centsText(c.onAccountCents),
      deduction: c.deduction ? { invoiceId: c.deduction.invoiceId, amount: centsText(c.deduction.cents), cause: c.deduction.cause, because: c.deduction.because } : null,
      evidence: c.evidence,
    })),
  );
}

export function centsText(c: bigint): string {
  const neg = c < 0n;
  const a = neg ? -c : c;
  return `${neg ? '-' : ''}${a / 100n}.${(a % 100n).toString().padStart(2, '0')}`;
}

export async function runCashApplication(wh: Warehouse, asOf: string, options: RunOptions = {}): Promise<CashApplicationResult> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const loading = loadPendingPayments(wh, asOf);
  const [{ ctx }, payments] = await Promise.all([buildContext(wh, asOf, loading, options), loading]);
  const t1 = performance.now();
  const c1 = process.cpuUsage();
  const learnAbove = options.learnFromAutoAbove ?? 0.95;
  const apps: AppRow[] = [];
  const onAccount: { id: string; payment_id: string; customer_id: string | null; amount_cents: bigint; applied_date: string; rule: string; confidence: number; evidence: string }[] = [];
  const deductions: { id: string; payment_id: string; invoice_id: string; customer_id: string | null; amount_cents: bigint; cause: string; evidence: string; opened_date: string }[] = [];
  const exceptions: { payment_id: string; customer_id: string | null; amount_cents: bigint; currency: string; reason: string; candidates: string }[] = [];
  let autoApplied = 0;
  for (const p of payments) {
    const outcome = decide(ctx, p);
    const top = outcome.candidates[0];
    if (outcome.decision === 'auto' && top) {
      autoApplied++;
      const evidence = evidenceJson(top);
      for (const a of top.allocations) {
        apps.push({
          application_id: `auto-${randomUUID()}`,
          payment_id: p.paymentId,
          invoice_id: a.kind === 'invoice' ? a.id : null,
          credit_note_id: a.kind === 'credit_note' ? a.id : null,
          amount_cents: a.cents,
          payment_amount_cents: a.paymentCents ?? null,
          fx_rate: a.fxRate ?? null,
          applied_date: p.receivedDate,
          rule: top.rule,
          confidence: top.confidence,
          evidence,
        });
      }
      if (top.onAccountCents > 0n) {
        onAccount.push({ id: `auto-${randomUUID()}`, payment_id: p.paymentId, customer_id: top.customerId, amount_cents: top.onAccountCents, applied_date: p.receivedDate, rule: top.rule, confidence: top.confidence, evidence });
      }
      if (top.deduction) {
        deductions.push({ id: `ded-${randomUUID()}`, payment_id: p.paymentId, invoice_id: top.deduction.invoiceId, customer_id: top.customerId, amount_cents: top.deduction.cents, cause: top.deduction.cause, evidence: top.deduction.because, opened_date: p.receivedDate });
      }
      ctx.consume(top.allocations);
      if (top.customerId && top.confidence >= learnAbove) ctx.learnAccount(p.bankAccount, top.customerId);
    } else {
      const reason = !top ? 'no candidate: payer not recognised and no reference found' : `best candidate ${top.rule} at confidence ${top.confidence} is below ${ctx.options.autoThreshold}`;
      exceptions.push({ payment_id: p.paymentId, customer_id: top?.customerId ?? null, amount_cents: p.amountCents, currency: p.currency, reason, candidates: candidatesJson(outcome.candidates) });
    }
  }
  const t2 = performance.now();
  const c2 = process.cpuUsage();
  const runId = options.runId ?? null;
  await wh.transaction(async (conn) => {
    await conn.run(`delete from cash_app_exceptions where status = 'open'`);
    await writeApplications(conn, apps);
    await appendRows(
      conn,
      'cash_app_on_account',
      `on_account_id varchar, payment_id varchar, customer_id varchar, amount varchar, applied_date varchar, rule varchar, confidence double, evidence varchar`,
      onAccount.map((r) => [r.id, r.payment_id, r.customer_id, centsText(r.amount_cents), r.applied_date, r.rule, r.confidence, r.evidence]),
      `select on_account_id, payment_id, customer_id, amount::decimal(18, 2), applied_date::date, 'auto', rule, confidence, evidence, ${runId === null ? 'null' : '$1'}::bigint from staged`,
      runId === null ? [] : [runId],
    );
    await appendRows(
      conn,
      'cash_app_deductions',
      `deduction_id varchar, payment_id varchar, invoice_id varchar, customer_id varchar, amount varchar, cause varchar, evidence varchar, opened_date varchar`,
      deductions.map((r) => [r.id, r.payment_id, r.invoice_id, r.customer_id, centsText(r.amount_cents), r.cause, r.evidence, r.opened_date]),
      `select deduction_id, payment_id, invoice_id, customer_id, amount::decimal(18, 2), cause, evidence, opened_date::date, 'candidate', ${runId === null ? 'null' : '$1'}::bigint from staged`,
      runId === null ? [] : [runId],
    );
    await appendRows(
      conn,
      'cash_app_exceptions',
      `payment_id varchar, customer_id varchar, amount varchar, currency varchar, reason varchar, candidates varchar`,
      exceptions.map((r) => [r.payment_id, r.customer_id, centsText(r.amount_cents), r.currency, r.reason, r.candidates]),
      `select nextval('cash_app_exception_seq'), payment_id, customer_id, amount::decimal(18, 2), currency, $1::date, ${runId === null ? 'null' : '$2'}::bigint, reason, candidates, 'open', null from staged`,
      runId === null ? [asOf] : [asOf, runId],
    );
  });
  const t3 = performance.now();
  const c3 = process.cpuUsage();
  const cpu = (a: NodeJS.CpuUsage, b: NodeJS.CpuUsage) => (b.user + b.system - a.user - a.system) / 1000;
  return {
    asOf,
    payments: payments.length,
    autoApplied,
    exceptions: exceptions.length,
    applications: apps.length,
    onAccount: onAccount.length,
    deductions: deductions.length,
    ms: { load: t1 - t0, match: t2 - t1, write: t3 - t2 },
    cpuMs: { load: cpu(c0, c1), match: cpu(c1, c2), write: cpu(c2, c3) },
  };
}

/** Passes after which `settleCashApplication` stops even if the last one still applied something. */
export const MAX_SETTLE_PASSES = 8;

/**
 * Cash application to its fixed point: passes of `runCashApplication` until one applies nothing.
 * One pass matches payments oldest first against open items as they stand when the pass loads them, so
 * a payment whose reference was ambiguous between two invoices stays an exception even when a later
 * payment of the same pass settles one of them; the next pass then sees a single candidate (and the
 * payer accounts the pass taught) and applies it. Without this, the second `ar-intel run` over
 * unchanged data applied what the first could already have applied: runs were not idempotent. Each
 * productive pass applies at least one payment, so the loop ends; the cap only bounds pathological chains.
 */
export async function settleCashApplication(wh: Warehouse, asOf: string, options: RunOptions = {}): Promise<CashApplicationResult & { passes: number }> {
  let total: CashApplicationResult | undefined;
  let passes = 0;
  while (passes < MAX_SETTLE_PASSES) {
    const r = await runCashApplication(wh, asOf, options);
    passes++;
    total = total
      ? {
          asOf,
          // the first pass saw every pending payment; the last one's exceptions are the queue left open
          payments: total.payments,
          autoApplied: total.autoApplied + r.autoApplied,
          exceptions: r.exceptions,
          applications: total.applications + r.applications,
          onAccount: total.onAccount + r.onAccount,
          deductions: total.deductions + r.deductions,
          ms: { load: total.ms.load + r.ms.load, match: total.ms.match + r.ms.match, write: total.ms.write + r.ms.write },
          cpuMs: { load: total.cpuMs.load + r.cpuMs.load, match: total.cpuMs.match + r.cpuMs.match, write: total.cpuMs.write + r.cpuMs.write },
        }
      : r;
    if (r.autoApplied === 0 || r.exceptions === 0) break;
  }
  return { ...(total as CashApplicationResult), passes };
}

export async function writeApplications(conn: DuckDBConnection, apps: readonly AppRow[], method: 'auto' | 'manual' = 'auto'): Promise<void> {
  await appendRows(
    conn,
    'payment_applications',
    `application_id varchar, payment_id varchar, invoice_id varchar, credit_note_id varchar, amount varchar, payment_amount varchar, fx_rate double, applied_date varchar, rule varchar, confidence double, evidence varchar`,
    apps.map((a) => [
      a.application_id,
      a.payment_id,
      a.invoice_id,
      a.credit_note_id,
      centsText(a.amount_cents),
      a.payment_amount_cents === null || a.payment_amount_cents === undefined ? null : centsText(a.payment_amount_cents),
      a.fx_rate ?? null,
      a.applied_date,
      a.rule,
      a.confidence,
      a.evidence,
    ]),
    `(application_id, payment_id, invoice_id, credit_note_id, amount, payment_amount, fx_rate, applied_date, method, rule, confidence, evidence)
     select application_id, payment_id, invoice_id, credit_note_id, (amount)::decimal(18, 2), payment_amount::decimal(18, 2), fx_rate::decimal(18, 8),
            applied_date::date, $1, rule, confidence, evidence from staged`,
    [method],
  );
}
