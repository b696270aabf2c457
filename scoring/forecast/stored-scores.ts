/**
 * The open invoices' payment outlook as the `scores` stage stored it for an as-of date (invoice_scores,
 * with each invoice's date) and the days-to-pay parameters of that run's model (risk_models), so the
 * forecast spreads exactly the P10/P50/P90 and write-off probability the API shows for each invoice
 * instead of re-scoring. The one place the forecast reads the stored scores.
 */
import { z } from 'zod';
import type { Warehouse } from '../../core/warehouse.ts';
import type { DaysToPayParams } from '../days-to-pay.ts';
import type { InvoiceScore } from '../delinquency.ts';

/** What the forecast needs of an invoice's score. */
export type InvoiceOutlook = Pick<
  InvoiceScore,
  'invoiceId' | 'customerId' | 'currency' | 'invoiceDate' | 'dueDate' | 'openAmount' | 'pWriteOff' | 'daysToPayP10' | 'daysToPayP50' | 'daysToPayP90'
>;

const DaysParams = z.object({
  priorWeight: z.number().positive(),
  decay: z.number().positive(),
  maxHistory: z.number().int().positive(),
  widen: z.number().positive(),
});

/** null when no scoring run is stored for the as-of date. */
export async function loadStoredScores(wh: Warehouse, asOf: string): Promise<{ scores: InvoiceOutlook[]; daysParams: DaysToPayParams } | null> {
  // the days-to-pay model row is written with the scores in one transaction, also when nothing is open
  const model = await wh.one<{ params: string }>(`select params from risk_models where as_of = $1::date and target = 'days_to_pay' order by created_seq desc limit 1`, [asOf]);
  if (!model) return null;
  const parsed = DaysParams.safeParse(JSON.parse(model.params));
  if (!parsed.success) throw new Error(`risk_models days_to_pay params of ${asOf} are not readable: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const rows = await wh.all<{ invoice_id: string; customer_id: string; currency: string; invoice_date: string; due_date: string; open_amount: string; p_write_off: number; p10: number; p50: number; p90: number }>(
    `select s.invoice_id, s.customer_id, s.currency, i.invoice_date::varchar as invoice_date, s.due_date::varchar as due_date, s.open_amount::varchar as open_amount,
       s.p_write_off, s.days_to_pay_p10 as p10, s.days_to_pay_p50 as p50, s.days_to_pay_p90 as p90
     from invoice_scores s join invoices i on i.invoice_id = s.invoice_id
     where s.as_of = $1::date order by s.invoice_id`,
    [asOf],
  );
  const scores = rows.map((r) => ({
    invoiceId: r.invoice_id,
    customerId: r.customer_id,
    currency: r.currency,
    invoiceDate: r.invoice_date,
    dueDate: r.due_date,
    openAmount: Number(r.open_amount),
    pWriteOff: Number(r.p_write_off),
    daysToPayP10: Number(r.p10),
    daysToPayP50: Number(r.p50),
    daysToPayP90: Number(r.p90),
  }));
  return { scores, daysParams: parsed.data };
}
