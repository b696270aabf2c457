/**
 * A person's decision on a queued payment: confirm a ranked candidate (or their own allocation), or
 * reject a candidate. Confirmations become manual applications and teach the payer's bank account;
 * rejections are remembered so the matcher never proposes the same match again.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { DuckDBConnection } from '@duckdb/node-api';
import { ArIntelError, NotFoundError } from '../../core/errors.ts';
import { formatMoney, parseMoney } from '../../core/money.ts';
import type { Warehouse } from '../../core/warehouse.ts';
import { itemKey } from './matcher.ts';
import { appendRows } from './append.ts';

const money = z.string().refine((s) => parseMoney(s) !== undefined, { message: 'expected a decimal amount such as 1234.50' });

export const StoredCandidate = z.object({
  rank: z.number().int(),
  customerId: z.string().nullable(),
  rule: z.string(),
  confidence: z.number(),
  allocations: z.array(
    z.object({
      invoiceId: z.string().nullable(),
      creditNoteId: z.string().nullable(),
      amount: money,
      discounted: z.boolean(),
      /** Cross-currency candidates: what the allocation takes from the payment, in its currency. */
      paymentAmount: money.optional(),
      fxRate: z.number().nullable().optional(),
    }),
  ),
  onAccount: money,
  deduction: z.object({ invoiceId: z.string(), amount: money, cause: z.string(), because: z.string() }).nullable(),
  evidence: z.array(z.string()),
});
export type StoredCandidate = z.infer<typeof StoredCandidate>;

export function parseCandidates(json: string): StoredCandidate[] {
  return z.array(StoredCandidate).parse(JSON.parse(json));
}

export const MatchDecision = z
  .object({
    paymentId: z.string().min(1),
    action: z.enum(['confirm', 'reject']),
    /** Rank of the candidate in the exceptions queue (1 = best). */
    candidate: z.number().int().min(1).optional(),
    /** An allocation of one's own instead of a candidate (confirm only). */
    allocations: z
      .array(
        z
          .object({ invoiceId: z.string().min(1).optional(), creditNoteId: z.string().min(1).optional(), amount: money })
          .refine((a) => (a.invoiceId === undefined) !== (a.creditNoteId === undefined), { message: 'give exactly one of invoiceId or creditNoteId' }),
      )
      .min(1)
      .optional(),
    onAccount: money.optional(),
    note: z.string().max(2000).optional(),
  })
  .refine((d) => d.candidate !== undefined || (d.action === 'confirm' && (d.allocations !== undefined || d.onAccount !== undefined)), {
    message: 'name a candidate rank, or (to confirm) give allocations or an on-account amount',
    path: ['candidate'],
  })
  .refine((d) => !(d.candidate !== undefined && d.allocations !== undefined), {
    message: 'give either a candidate rank or allocations, not both',
    path: ['allocations'],
  });
export type MatchDecision = z.infer<typeof MatchDecision>;

export interface DecisionResult {
  readonly paymentId: string;
  readonly status: 'confirmed' | 'rejected';
  readonly applications: { invoiceId: string | null; creditNoteId: string | null; amount: string }[];
  readonly onAccount: string;
  readonly learnedAccount: { bankAccount: string; customerId: string } | null;
  readonly remainingCandidates: number;
}

interface PaymentFacts extends Record<string, unknown> {
  payment_id: string;
  received_date: string;
  currency: string;
  bank_account: string | null;
  remaining_cents: string;
}

async function paymentFacts(conn: DuckDBConnection, paymentId: string): Promise<PaymentFacts> {
  const reader = await conn.runAndReadAll(
    `select p.payment_id, strftime(p.received_date, '%Y-%m-%d') as received_date, p.currency, p.bank_account,
            ((p.amount - coalesce((select sum(coalesce(payment_amount, amount)) from payment_applications a where a.payment_id = p.payment_id), 0)
                       - coalesce((select sum(amount) from cash_app_on_account o where o.payment_id = p.payment_id), 0)) * 100)::bigint::varchar as remaining_cents
     from payments p where p.payment_id = $1`,
    [paymentId],
  );
  const row = reader.getRowObjectsJson()[0] as PaymentFacts | undefined;
  if (!row) throw new NotFoundError(`payment ${paymentId}`);
  return row;
}

interface Target {
  readonly kind: 'invoice' | 'credit_note';
  readonly id: string;
  readonly customerId: string;
  readonly currency: string;
  readonly openCents: bigint;
}

async function target(conn: DuckDBConnection, kind: 'invoice' | 'credit_note', id: string): Promise<Target> {
  const sql =
    kind === 'invoice'
      ? `select i.customer_id, i.currency,
                ((i.amount - coalesce((select sum(amount) from payment_applications a where a.invoice_id = i.invoice_id), 0)
                           - coalesce((select sum(amount) from credit_notes n where n.invoice_id = i.invoice_id), 0)
                           - coalesce((select sum(amount) from write_offs w where w.invoice_id = i.invoice_id), 0)) * 100)::bigint::varchar as open_cents
         from invoices i where i.invoice_id = $1`
      : `select n.customer_id, n.currency,
                ((n.amount - coalesce((select sum(abs(amount)) from payment_applications a where a.credit_note_id = n.credit_note_id), 0)) * 100)::bigint::varchar as open_cents
         from credit_notes n where n.credit_note_id = $1`;
  const row = (await conn.runAndReadAll(sql, [id])).getRowObjectsJson()[0] as { customer_id: string; currency: string; open_cents: string } | undefined;
  if (!row) throw new NotFoundError(`${kind === 'invoice' ? 'invoice' : 'credit note'} ${id}`);
  return { kind, id, customerId: row.customer_id, currency: row.currency, openCents: BigInt(row.open_cents) };
}

interface OpenException extends Record<string, unknown> {
  exception_id: string;
  candidates: string;
}

async function openException(conn: DuckDBConnection, paymentId: string): Promise<OpenException | undefined> {
  const reader = await conn.runAndReadAll(
    `select exception_id::varchar as exception_id, candidates from cash_app_exceptions
     where payment_id = $1 and status = 'open' order by exception_id desc limit 1`,
    [paymentId],
  );
  return reader.getRowObjectsJson()[0] as OpenException | undefined;
}

function candidateKey(c: StoredCandidate): string {
  if (c.allocations.length === 0) return `account:${c.customerId ?? ''}`;
  return c.allocations
    .map((a) => (a.invoiceId !== null ? itemKey('invoice', a.invoiceId) : itemKey('credit_note', a.creditNoteId ?? '')))
    .sort()
    .join(',');
}

const cents = (s: string): bigint => parseMoney(s) ?? 0n;

/** Applies a person's decision. `now` is the decision's timestamp (ISO), recorded on the exception. */
export async function decideMatch(wh: Warehouse, input: MatchDecision, now: string): Promise<DecisionResult> {
  const d = MatchDecision.parse(input);
  return wh.transaction(async (conn) => {
    const pay = await paymentFacts(conn, d.paymentId);
    const exc = await openException(conn, d.paymentId);
    const candidates = exc ? parseCandidates(exc.candidates) : [];
    let chosen: StoredCandidate | undefined;
    if (d.candidate !== undefined) {
      chosen = candidates.find((c) => c.rank === d.candidate);
      if (!chosen) {
        throw new ArIntelError('NOT_FOUND', `payment ${d.paymentId} has no open candidate ranked ${d.candidate}`, { field: 'candidate' }, 404);
      }
    }

    if (d.action === 'reject') {
      const c = chosen as StoredCandidate;
      await conn.run(`insert or ignore into cash_app_rejections values ($1, $2, $3::date)`, [d.paymentId, candidateKey(c), pay.received_date]);
      const rest = candidates.filter((x) => x !== c).map((x, i) => ({ ...x, rank: i + 1 }));
      if (exc) await conn.run(`update cash_app_exceptions set candidates = $2 where exception_id = $1::bigint`, [exc.exception_id, JSON.stringify(rest)]);
      return { paymentId: d.paymentId, status: 'rejected', applications: [], onAccount: '0.00', learnedAccount: null, remainingCandidates: rest.length };
    }

    const wanted: { kind: 'invoice' | 'credit_note'; id: string; cents: bigint; discounted: boolean; paymentCents?: bigint; fxRate?: number | null }[] = chosen
      ? chosen.allocations.map((a) => ({
          kind: a.invoiceId !== null ? ('invoice' as const) : ('credit_note' as const),
          id: a.invoiceId ?? a.creditNoteId ?? '',
          cents: cents(a.amount),
          discounted: a.discounted,
          ...(a.paymentAmount !== undefined ? { paymentCents: cents(a.paymentAmount), fxRate: a.fxRate ?? null } : {}),
        }))
      : (d.allocations ?? []).map((a) => ({
          kind: a.invoiceId !== undefined ? ('invoice' as const) : ('credit_note' as const),
          id: a.invoiceId ?? a.creditNoteId ?? '',
          // A credit note consumed by a payment is stored negative, whichever sign the person typed.
          cents: a.creditNoteId !== undefined ? -(cents(a.amount) < 0n ? -cents(a.amount) : cents(a.amount)) : cents(a.amount),
          discounted: false,
        }));
    const onAccount = chosen ? cents(chosen.onAccount) : d.onAccount !== undefined ? cents(d.onAccount) : 0n;
    if (onAccount < 0n) throw new ArIntelError('VALIDATION', 'onAccount must not be negative', { field: 'onAccount' });

    const targets: Target[] = [];
    for (const [i, w] of wanted.entries()) {
      const t = await target(conn, w.kind, w.id);
      const field = `allocations.${i}`;
      // Only a matcher's cross-currency candidate says what a document in another currency takes from the payment.
      if (t.currency !== pay.currency && w.paymentCents === undefined) {
        throw new ArIntelError('VALIDATION', `${w.id} is in ${t.currency}, payment ${d.paymentId} in ${pay.currency}`, { field });
      }
      const used = w.cents < 0n ? -w.cents : w.cents;
      if (w.kind === 'invoice' && w.cents <= 0n) throw new ArIntelError('VALIDATION', `amount for invoice ${w.id} must be positive`, { field: `${field}.amount` });
      if (used > t.openCents) {
        throw new ArIntelError('CONFLICT', `${w.id} has only ${formatMoney(t.openCents)} open, cannot take ${formatMoney(used)}`, { field: `${field}.amount` }, 409);
      }
      targets.push(t);
    }
    const remaining = BigInt(pay.remaining_cents);
    const total = wanted.reduce((s, w) => s + (w.paymentCents ?? w.cents), 0n) + onAccount;
    if (total > remaining) {
      throw new ArIntelError('CONFLICT', `payment ${d.paymentId} has ${formatMoney(remaining)} unapplied; this match needs ${formatMoney(total)}`, { field: 'allocations' }, 409);
    }
    if (total <= 0n) throw new ArIntelError('VALIDATION', 'a confirmation must apply a positive amount', { field: 'allocations' });

    const rule = chosen ? chosen.rule : 'manual';
    const evidence = JSON.stringify({ confirmedCandidate: chosen?.rank ?? null, evidence: chosen?.evidence ?? [], note: d.note ?? null });
    const idBase = `manual-${randomUUID()}`;
    await appendRows(
      conn,
      'payment_applications',
      `application_id varchar, payment_id varchar, invoice_id varchar, credit_note_id varchar, amount varchar, payment_amount varchar, fx_rate double, applied_date varchar, rule varchar, confidence double, evidence varchar`,
      wanted.map((w, i) => [
        `${idBase}-${i + 1}`,
        d.paymentId,
        w.kind === 'invoice' ? w.id : null,
        w.kind === 'credit_note' ? w.id : null,
        formatMoney(w.cents),
        w.paymentCents === undefined ? null : formatMoney(w.paymentCents),
        w.fxRate ?? null,
        pay.received_date,
        rule,
        chosen ? chosen.confidence : null,
        evidence,
      ]),
      `(application_id, payment_id, invoice_id, credit_note_id, amount, payment_amount, fx_rate, applied_date, method, rule, confidence, evidence)
       select application_id, payment_id, invoice_id, credit_note_id, amount::decimal(18, 2), payment_amount::decimal(18, 2), fx_rate::decimal(18, 8),
              applied_date::date, 'manual', rule, confidence, evidence from staged`,
    );
    const customerId = targets[0]?.customerId ?? chosen?.customerId ?? null;
    if (onAccount > 0n) {
      await conn.run(
        `insert into cash_app_on_account values ($1, $2, $3, $4::decimal(18, 2), $5::date, 'manual', $6, $7, $8, null)`,
        [`${idBase}-account`, d.paymentId, customerId, formatMoney(onAccount), pay.received_date, rule, chosen ? chosen.confidence : null, evidence],
      );
    }
    if (chosen?.deduction) {
      await conn.run(
        `insert into cash_app_deductions values ($1, $2, $3, $4, $5::decimal(18, 2), $6, $7, $8::date, 'candidate', null)`,
        [`${idBase}-deduction`, d.paymentId, chosen.deduction.invoiceId, customerId, chosen.deduction.amount, chosen.deduction.cause, chosen.deduction.because, pay.received_date],
      );
    }
    let learned: DecisionResult['learnedAccount'] = null;
    if (pay.bank_account && customerId) {
      await conn.run(`insert or ignore into cash_app_payer_accounts values ($1, $2, $3, $4::date)`, [pay.bank_account, customerId, d.paymentId, pay.received_date]);
      learned = { bankAccount: pay.bank_account, customerId };
    }
    if (exc) {
      await conn.run(`update cash_app_exceptions set status = 'confirmed', resolved_at = $2::timestamp where exception_id = $1::bigint`, [exc.exception_id, now]);
    }
    return {
      paymentId: d.paymentId,
      status: 'confirmed',
      applications: wanted.map((w) => ({
        invoiceId: w.kind === 'invoice' ? w.id : null,
        creditNoteId: w.kind === 'credit_note' ? w.id : null,
        amount: formatMoney(w.cents),
      })),
      onAccount: formatMoney(onAccount),
      learnedAccount: learned,
      remainingCandidates: 0,
    };
  });
}
