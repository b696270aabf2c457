/** Reads of the cash-application exceptions queue; decisions go through scoring/cash-application/confirm.ts. */
import type { Warehouse } from '../../core/warehouse.ts';
import { parseCandidates, decideMatch, type MatchDecision, type DecisionResult, type StoredCandidate } from '../../scoring/cash-application/confirm.ts';

interface ExceptionRow extends Record<string, unknown> {
  exception_id: string;
  payment_id: string;
  bank_reference: string | null;
  payer_name: string | null;
  received_date: string;
  amount: string;
  currency: string;
  reference: string | null;
  remittance_text: string | null;
  bank_account: string | null;
  customer_id: string | null;
  reason: string;
  as_of: string;
  candidates: string;
  total: string;
}

export interface ExceptionItem {
  exceptionId: string;
  paymentId: string;
  bankReference: string | null;
  payerName: string | null;
  receivedDate: string;
  amount: string;
  currency: string;
  reference: string | null;
  remittanceText: string | null;
  bankAccount: string | null;
  customerId: string | null;
  reason: string;
  asOf: string;
  candidates: StoredCandidate[];
}

export async function listExceptions(
  wh: Warehouse,
  q: { limit: number; offset: number; customerId?: string | undefined },
): Promise<{ total: number; items: ExceptionItem[] }> {
  const rows = await wh.all<ExceptionRow>(
    `select e.exception_id::varchar as exception_id, e.payment_id, p.bank_reference, p.payer_name,
            strftime(p.received_date, '%Y-%m-%d') as received_date, e.amount::varchar as amount, e.currency,
            p.reference, p.remittance_text, p.bank_account, e.customer_id, e.reason,
            strftime(e.as_of, '%Y-%m-%d') as as_of, e.candidates, count(*) over ()::varchar as total
     from cash_app_exceptions e
     left join payments p on p.payment_id = e.payment_id
     where e.status = 'open' and ($3::varchar is null or e.customer_id = $3)
     order by e.amount desc, e.payment_id
     limit $1 offset $2`,
    [q.limit, q.offset, q.customerId ?? null],
  );
  return {
    total: Number(rows[0]?.total ?? 0),
    items: rows.map((r) => ({
      exceptionId: r.exception_id,
      paymentId: r.payment_id,
      bankReference: r.bank_reference,
      payerName: r.payer_name,
      receivedDate: r.received_date,
      amount: r.amount,
      currency: r.currency,
      reference: r.reference,
      remittanceText: r.remittance_text,
      bankAccount: r.bank_account,
      customerId: r.customer_id,
      reason: r.reason,
      asOf: r.as_of,
      candidates: parseCandidates(r.candidates),
    })),
  };
}

export async function recordDecision(wh: Warehouse, decision: MatchDecision, now: string): Promise<DecisionResult> {
  return decideMatch(wh, decision, now);
}
