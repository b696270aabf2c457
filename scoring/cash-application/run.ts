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
import { CUSTOMERS_SQL, LEARNED_ACCOUNTS_SQL, OPEN_ITEMS_SQL, PENDING_PAYMENTS_SQL, REJECTIONS_SQL } from './queries.ts';
import {
  MatchContext,
  decide,
  itemKey,
  type MatchOptions,
  type OpenItem,
  type PaymentToMatch,
  type Proposal,
} from './matcher.ts';
import { appendRows } from './append.ts';

export interface PendingPayment extends PaymentToMatch {
  readonly bankReference: string | null;
}

interface OpenItemRow extends Record<string, unknown> {
  kind: 'invoice' | 'credit_note';
  id: string;
  customer_id: string;
  currency: string;
  document_date: string;
  due_date: string;
  amount_cents: string;
  open_cents: string;
  po_number: string | null;
  tax_cents: string | null;
  discount_pct: number | null;
  discount_days: number | null;
}

interface PaymentRow extends Record<string, unknown> {
  payment_id: string;
  customer_id: string | null;
  payer_name: string | null;
  received_date: string;
  value_date: string | null;
  remaining_cents: string;
  currency: string;
  reference: string | null;
  remittance_text: string | null;
  bank_account: string | null;
  bank_reference: string | null;
}

export async function loadOpenItems(wh: Warehouse, asOf: string): Promise<OpenItem[]> {
  const rows = await wh.all<OpenItemRow>(OPEN_ITEMS_SQL, [asOf]);
  return rows.map((r) => ({
    kind: r.kind,
    id: r.id,
    customerId: r.customer_id,
    currency: r.currency,
    documentDate: r.document_date,
    dueDate: r.due_date,
    amountCents: BigInt(r.amount_cents),
    openCents: BigInt(r.open_cents),
    poNumber: r.po_number,
    taxCents: r.tax_cents === null ? null : BigInt(r.tax_cents),
    discountPct: r.discount_pct === null ? null : Number(r.discount_pct),
    discountDays: r.discount_days === null ? null : Number(r.discount_days),
  }));
}

export async function loadPendingPayments(wh: Warehouse, asOf: string): Promise<PendingPayment[]> {
  const rows = await wh.all<PaymentRow>(PENDING_PAYMENTS_SQL, [asOf]);
  return rows.map((r) => ({
    paymentId: r.payment_id,
    customerId: r.customer_id,
    payerName: r.payer_name,
    receivedDate: r.received_date,
    valueDate: r.value_date,
    amountCents: BigInt(r.remaining_cents),
    currency: r.currency,
    reference: r.reference,
    remittanceText: r.remittance_text,
    bankAccount: r.bank_account,
    bankReference: r.bank_reference,
  }));
}

/** Everything the matcher knows at the as-of date. */
export async function buildContext(wh: Warehouse, asOf: string, options: Partial<MatchOptions> = {}): Promise<{ ctx: MatchContext; items: Map<string, OpenItem> }> {
  const [items, customers, accounts, rejections] = await Promise.all([
    loadOpenItems(wh, asOf),
    wh.all<{ customer_id: string; name: string; parent_id: string | null }>(CUSTOMERS_SQL),
    wh.all<{ bank_account: string; customer_id: string; n: number }>(LEARNED_ACCOUNTS_SQL, [asOf]),
    wh.all<{ payment_id: string; target: string }>(REJECTIONS_SQL),
  ]);
  const ctx = new MatchContext(
    items,
    customers.map((c) => ({ customerId: c.customer_id, name: c.name, parentId: c.parent_id })),
    options,
  );
  for (const a of accounts) ctx.learnAccount(a.bank_account, a.customer_id, Number(a.n));
  for (const r of rejections) ctx.reject(r.payment_id, r.target);
  const byKey = new Map(items.map((it) => [itemKey(it.kind, it.id), it]));
  return { ctx, items: byKey };
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
  const [{ ctx, items }, payments] = await Promise.all([buildContext(wh, asOf, options), loadPendingPayments(wh, asOf)]);
  const t1 = performance.now();
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
      ctx.consume(top.allocations, items);
      if (top.customerId && top.confidence >= learnAbove) ctx.learnAccount(p.bankAccount, top.customerId);
    } else {
      const reason = !top ? 'no candidate: payer not recognised and no reference found' : `best candidate ${top.rule} at confidence ${top.confidence} is below ${ctx.options.autoThreshold}`;
      exceptions.push({ payment_id: p.paymentId, customer_id: top?.customerId ?? null, amount_cents: p.amountCents, currency: p.currency, reason, candidates: candidatesJson(outcome.candidates) });
    }
  }
  const t2 = performance.now();
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
  return {
    asOf,
    payments: payments.length,
    autoApplied,
    exceptions: exceptions.length,
    applications: apps.length,
    onAccount: onAccount.length,
    deductions: deductions.length,
    ms: { load: t1 - t0, match: t2 - t1, write: t3 - t2 },
  };
}

export async function writeApplications(conn: DuckDBConnection, apps: readonly AppRow[], method: 'auto' | 'manual' = 'auto'): Promise<void> {
  await appendRows(
    conn,
    'payment_applications',
    `application_id varchar, payment_id varchar, invoice_id varchar, credit_note_id varchar, amount varchar, applied_date varchar, rule varchar, confidence double, evidence varchar`,
    apps.map((a) => [a.application_id, a.payment_id, a.invoice_id, a.credit_note_id, centsText(a.amount_cents), a.applied_date, a.rule, a.confidence, a.evidence]),
    `select application_id, payment_id, invoice_id, credit_note_id, (amount)::decimal(18, 2), applied_date::date, $1, rule, confidence, evidence, null, null, null from staged`,
    [method],
  );
}
