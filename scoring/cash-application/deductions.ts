/**
 * Deductions: the unpaid rest of a short payment that cash application applied within tolerance
 * (`cash_app_deductions`, opened by run.ts / confirm.ts with a cause guess). Here they are listed for the
 * disputes view and decided by a person: `dispute` opens a canonical dispute with the guessed (or given)
 * cause for the residual, so it counts in the dispute analytics like any other; `accept` (the deduction
 * is valid: a credit note or write-off follows in the ERP) and `dismiss` (not a deduction, e.g. the payer
 * will pay the rest) only close the candidate.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import { isoDate } from '../../core/as-of.ts';
import { ArIntelError, NotFoundError } from '../../core/errors.ts';
import type { Warehouse } from '../../core/warehouse.ts';
import { DISPUTE_CAUSES } from '../../ingest/canonical/kinds.ts';

export const DEDUCTION_STATUSES = ['candidate', 'disputed', 'accepted', 'dismissed'] as const;
export type DeductionStatus = (typeof DEDUCTION_STATUSES)[number];

export const deductionDecisionSchema = z.object({
  action: z.enum(['dispute', 'accept', 'dismiss']),
  /** Overrides the cause guess when opening a dispute. */
  cause: z.enum(DISPUTE_CAUSES).optional(),
  note: z.string().max(4000).optional(),
  /** Business date of the decision (the dispute's opened date); default: the deduction's opened date. */
  date: isoDate.optional(),
});
export type DeductionDecision = z.infer<typeof deductionDecisionSchema>;

export interface Deduction {
  deductionId: string;
  paymentId: string;
  invoiceId: string;
  customerId: string | null;
  customerName: string | null;
  amount: string;
  currency: string | null;
  causeGuess: string;
  evidence: string | null;
  openedDate: string;
  status: DeductionStatus;
  /** The dispute opened from this deduction, when it was disputed. */
  disputeId: string | null;
}

/** The dispute a deduction becomes: one per deduction, so deciding twice cannot open two. */
export const disputeIdOf = (deductionId: string): string => `DSP-${deductionId}`;

const SELECT = `
  select d.deduction_id, d.payment_id, d.invoice_id, d.customer_id, c.name as customer_name, d.amount::varchar as amount,
         i.currency, d.cause_guess, d.evidence, d.opened_date::varchar as opened_date, d.status,
         s.dispute_id
  from cash_app_deductions d
  left join invoices i on i.invoice_id = d.invoice_id
  left join customers c on c.customer_id = coalesce(d.customer_id, i.customer_id)
  left join disputes s on s.dispute_id = 'DSP-' || d.deduction_id`;

type Row = Record<string, string | null>;

function view(r: Row): Deduction {
  return {
    deductionId: String(r.deduction_id),
    paymentId: String(r.payment_id),
    invoiceId: String(r.invoice_id),
    customerId: r.customer_id ?? null,
    customerName: r.customer_name ?? null,
    amount: String(r.amount),
    currency: r.currency ?? null,
    causeGuess: String(r.cause_guess),
    evidence: r.evidence ?? null,
    openedDate: String(r.opened_date),
    status: r.status as DeductionStatus,
    disputeId: r.dispute_id ?? null,
  };
}

export interface DeductionList {
  items: Deduction[];
  total: number;
  /** Count and amount per guessed cause over every deduction in the status asked for (not just the page). */
  byCause: { cause: string; count: number; amount: string }[];
}

export async function listDeductions(
  wh: Warehouse,
  opts: { status?: DeductionStatus | 'all'; limit?: number; offset?: number } = {},
): Promise<DeductionList> {
  const status = opts.status ?? 'candidate';
  const where = status === 'all' ? '' : 'where d.status = $1';
  const params = status === 'all' ? [] : [status];
  const n = params.length;
  const items = await wh.all<Row>(
    `${SELECT} ${where} order by d.opened_date desc, d.amount desc, d.deduction_id limit $${n + 1} offset $${n + 2}`,
    [...params, opts.limit ?? 100, opts.offset ?? 0],
  );
  const byCause = await wh.all<{ cause: string; count: number; amount: string }>(
    `select d.cause_guess as cause, count(*)::int as count, sum(d.amount)::varchar as amount
     from cash_app_deductions d ${where} group by 1 order by sum(d.amount) desc, 1`,
    params,
  );
  return { items: items.map(view), total: byCause.reduce((s, c) => s + c.count, 0), byCause };
}

async function one(conn: DuckDBConnection, id: string): Promise<Deduction | undefined> {
  const reader = await conn.runAndReadAll(`${SELECT} where d.deduction_id = $1`, [id]);
  const row = reader.getRowObjectsJson()[0] as Row | undefined;
  return row ? view(row) : undefined;
}

/** A person's decision on a candidate deduction; runs inside the caller's transaction. */
export async function decideDeduction(conn: DuckDBConnection, id: string, decision: DeductionDecision): Promise<Deduction> {
  const d = await one(conn, id);
  if (!d) throw new NotFoundError(`deduction ${id}`);
  if (d.status !== 'candidate') {
    throw new ArIntelError('CONFLICT', `deduction ${id} was already decided (${d.status})`, { field: 'action' }, 409);
  }
  if (decision.action === 'dispute') {
    const cause = decision.cause ?? (DISPUTE_CAUSES as readonly string[]).find((c) => c === d.causeGuess) ?? 'unspecified';
    const note = [decision.note, `from short payment ${d.paymentId}: ${d.evidence ?? 'cause guessed'}`].filter(Boolean).join(' — ');
    await conn.run(
      `insert into disputes (dispute_id, invoice_id, customer_id, opened_date, amount, cause, status, note, source_file)
       values ($1, $2, $3, $4::date, $5::decimal(18, 2), $6, 'open', $7, 'cash-application')`,
      [disputeIdOf(id), d.invoiceId, d.customerId, decision.date ?? d.openedDate, d.amount, cause, note],
    );
  }
  const status: DeductionStatus = decision.action === 'dispute' ? 'disputed' : decision.action === 'accept' ? 'accepted' : 'dismissed';
  await conn.run(`update cash_app_deductions set status = $2 where deduction_id = $1`, [id, status]);
  return (await one(conn, id)) ?? d;
}
