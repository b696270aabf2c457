/** Per-customer payment behaviour from closed invoices: days late, days to pay, PAYDEX-like index. */
import type { Warehouse } from '../core/warehouse.ts';
import { queryModel } from './dag.ts';
import { money, num } from './metrics.ts';
import { paydexIndex } from './payment-behaviour.ts';

export interface PaymentBehaviourOptions {
  readonly asOf: string;
  readonly from: string;
  readonly baseCurrency: string;
}

export async function paymentBehaviour(wh: Warehouse, o: PaymentBehaviourOptions) {
  const rows = await queryModel<Record<string, string | number | null>>(
    wh,
    'mart_payment_behaviour',
    { as_of: o.asOf, from: o.from, base_currency: o.baseCurrency },
    { tail: 'order by paid_amount desc, customer_id' },
  );
  const r2 = (x: unknown) => (x === null || x === undefined ? null : Number(Number(x).toFixed(2)));
  return rows.map((r) => {
    const wadl = r.weighted_days_late === null ? null : Number(r.weighted_days_late);
    return {
      customerId: String(r.customer_id),
      customerName: r.customer_name === null ? null : String(r.customer_name),
      collectorId: r.collector_id === null ? null : String(r.collector_id),
      paidInvoices: num(r.paid_invoices),
      paidAmount: money(r.paid_amount),
      weightedDaysLate: r2(wadl),
      averageDaysLate: r2(r.average_days_late),
      weightedDaysToPay: r2(r.weighted_days_to_pay),
      averageDaysToPay: r2(r.average_days_to_pay),
      paymentIndex: wadl === null ? null : Math.round(paydexIndex(wadl)),
    };
  });
}
