import { resolveAsOf } from '../../core/as-of.ts';
import type { Warehouse } from '../../core/warehouse.ts';
import { summariseBadDebt, type ExpectedLossRow } from '../../scoring/bad-debt.ts';
import { scoreAsOf } from '../../scoring/stage.ts';

/**
 * Bad-debt forecast as of a date: from the stored scores of that date when a run produced them,
 * otherwise scored on the fly (same models, nothing written).
 */
export async function badDebtForecast(wh: Warehouse, requested: string | undefined) {
  let asOf = requested;
  if (asOf === undefined) {
    const latest = await wh.one<{ d: string | null }>('select max(as_of)::varchar as d from invoice_scores');
    asOf = latest?.d ?? (await resolveAsOf(wh, undefined));
  }
  const stored = await wh.all(
    `select s.invoice_id, s.customer_id, coalesce(c.segment, '') as segment, coalesce(cs.risk_class, '') as risk_class, s.currency,
            s.open_amount::varchar as open_amount, s.expected_loss::varchar as expected_loss, s.p_write_off, s.expected_write_off_month
     from invoice_scores s
     left join customers c on c.customer_id = s.customer_id
     left join customer_scores cs on cs.customer_id = s.customer_id and cs.as_of = s.as_of
     where s.as_of = $1::date order by s.invoice_id`,
    [asOf],
  );
  let rows: ExpectedLossRow[];
  let source: 'stored' | 'computed';
  if (stored.length > 0) {
    source = 'stored';
    rows = stored.map((r) => ({
      invoiceId: String(r.invoice_id),
      customerId: String(r.customer_id),
      segment: String(r.segment),
      riskClass: String(r.risk_class),
      currency: String(r.currency),
      openAmount: String(r.open_amount),
      expectedLoss: String(r.expected_loss),
      pWriteOff: Number(r.p_write_off),
      month: String(r.expected_write_off_month),
    }));
  } else {
    source = 'computed';
    const { result, customers } = await scoreAsOf(wh, asOf);
    const cls = new Map(customers.map((c) => [c.customerId, c.riskClass]));
    rows = result.scores.map((s) => ({
      invoiceId: s.invoiceId,
      customerId: s.customerId,
      segment: s.segment,
      riskClass: cls.get(s.customerId) ?? '',
      currency: s.currency,
      openAmount: s.openAmount.toFixed(2),
      expectedLoss: s.expectedLoss.toFixed(2),
      pWriteOff: s.pWriteOff,
      month: s.expectedWriteOffMonth,
    }));
  }
  const top = [...rows].sort((a, b) => Number(b.expectedLoss) - Number(a.expectedLoss) || (a.invoiceId < b.invoiceId ? -1 : 1)).slice(0, 20);
  return { ...summariseBadDebt(asOf, rows), source, topInvoices: top };
}
