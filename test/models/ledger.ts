/** Tiny ledgers for metric tests: insert straight into the canonical tables with sensible defaults. */
import type { Warehouse } from '../../core/warehouse.ts';

type Money = string | number;
const m = (x: Money): string => (typeof x === 'number' ? x.toFixed(2) : x);

export class Ledger {
  private seq = 0;
  constructor(readonly wh: Warehouse, readonly currency = 'USD', readonly idPrefix = '') {}

  private id(prefix: string): string {
    this.seq += 1;
    return `${this.idPrefix}${prefix}${this.seq}`;
  }

  async customer(id: string, extra: { collector?: string; segment?: string; country?: string; parent?: string; currency?: string; terms?: number } = {}) {
    await this.wh.run(
      `insert into customers (customer_id, name, parent_id, segment, country, currency, payment_terms_days, collector_id)
       values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [id, `Customer ${id}`, extra.parent ?? null, extra.segment ?? 'mid', extra.country ?? 'US', extra.currency ?? this.currency, extra.terms ?? 30, extra.collector ?? null],
    );
    return id;
  }

  async collector(id: string) {
    await this.wh.run(`insert into collectors (collector_id, name) values ($1, $2)`, [id, `Collector ${id}`]);
    return id;
  }

  async invoice(o: { id?: string; customer?: string; date: string; due?: string; amount: Money; currency?: string; orderId?: string }) {
    const id = o.id ?? this.id('INV');
    await this.wh.run(
      `insert into invoices (invoice_id, customer_id, order_id, invoice_date, due_date, amount, currency)
       values ($1, $2, $3, $4::date, $5::date, $6::decimal(18,2), $7)`,
      [id, o.customer ?? 'C1', o.orderId ?? null, o.date, o.due ?? o.date, m(o.amount), o.currency ?? this.currency],
    );
    return id;
  }

  async instalment(invoiceId: string, seq: number, due: string, amount: Money) {
    await this.wh.run(`insert into invoice_instalments (invoice_id, seq, due_date, amount) values ($1, $2, $3::date, $4::decimal(18,2))`, [
      invoiceId,
      seq,
      due,
      m(amount),
    ]);
  }

  async payment(o: { id?: string; customer?: string | null; date: string; amount: Money; currency?: string }) {
    const id = o.id ?? this.id('PAY');
    await this.wh.run(
      `insert into payments (payment_id, customer_id, received_date, amount, currency, payer_name, reference)
       values ($1, $2, $3::date, $4::decimal(18,2), $5, 'payer', 'ref')`,
      [id, o.customer === undefined ? 'C1' : o.customer, o.date, m(o.amount), o.currency ?? this.currency],
    );
    return id;
  }

  async apply(o: { payment: string; invoice?: string; creditNote?: string; amount: Money; date: string }) {
    const id = this.id('APP');
    await this.wh.run(
      `insert into payment_applications (application_id, payment_id, invoice_id, credit_note_id, amount, applied_date, method)
       values ($1, $2, $3, $4, $5::decimal(18,2), $6::date, 'imported')`,
      [id, o.payment, o.invoice ?? null, o.creditNote ?? null, m(o.amount), o.date],
    );
    return id;
  }

  /** A payment received and applied the same day. */
  async pay(invoice: string, amount: Money, date: string, customer = 'C1', currency?: string) {
    const p = await this.payment({ customer, date, amount, currency: currency ?? this.currency });
    await this.apply({ payment: p, invoice, amount, date });
    return p;
  }

  async credit(o: { id?: string; customer?: string; invoice?: string; date: string; amount: Money; currency?: string }) {
    const id = o.id ?? this.id('CN');
    await this.wh.run(
      `insert into credit_notes (credit_note_id, customer_id, invoice_id, credit_date, amount, currency)
       values ($1, $2, $3, $4::date, $5::decimal(18,2), $6)`,
      [id, o.customer ?? 'C1', o.invoice ?? null, o.date, m(o.amount), o.currency ?? this.currency],
    );
    return id;
  }

  async writeOff(invoice: string, amount: Money, date: string) {
    const id = this.id('WO');
    await this.wh.run(
      `insert into write_offs (write_off_id, invoice_id, write_off_date, amount) values ($1, $2, $3::date, $4::decimal(18,2))`,
      [id, invoice, date, m(amount)],
    );
    return id;
  }

  async rate(date: string, currency: string, rate: number | string, base = 'USD') {
    await this.wh.run(`insert into fx_rates (rate_date, currency, base_currency, rate) values ($1::date, $2, $3, $4::decimal(18,8))`, [
      date,
      currency,
      base,
      String(rate),
    ]);
  }

  async dispute(o: { id?: string; invoice: string; opened: string; amount: Money; cause: string; status?: string; resolved?: string | null; customer?: string }) {
    const id = o.id ?? this.id('DSP');
    await this.wh.run(
      `insert into disputes (dispute_id, invoice_id, customer_id, opened_date, amount, cause, status, resolved_date)
       values ($1, $2, $3, $4::date, $5::decimal(18,2), $6, $7, $8::date)`,
      [id, o.invoice, o.customer ?? 'C1', o.opened, m(o.amount), o.cause, o.status ?? (o.resolved ? 'resolved' : 'open'), o.resolved ?? null],
    );
    return id;
  }

  async promise(o: { id?: string; customer?: string; invoice?: string | null; collector?: string | null; created: string; promised: string; amount: Money; status?: string }) {
    const id = o.id ?? this.id('PTP');
    await this.wh.run(
      `insert into promises_to_pay (promise_id, customer_id, invoice_id, collector_id, created_date, promised_date, amount, status)
       values ($1, $2, $3, $4, $5::date, $6::date, $7::decimal(18,2), $8)`,
      [id, o.customer ?? 'C1', o.invoice ?? null, o.collector ?? null, o.created, o.promised, m(o.amount), o.status ?? 'open'],
    );
    return id;
  }

  async order(o: { id: string; customer?: string; date: string; amount: Money; promisedShip?: string; shipped?: string; shippedAmount?: Money }) {
    await this.wh.run(
      `insert into orders (order_id, customer_id, order_date, amount, currency, promised_ship_date, shipped_date, shipped_amount)
       values ($1, $2, $3::date, $4::decimal(18,2), $5, $6::date, $7::date, $8::decimal(18,2))`,
      [o.id, o.customer ?? 'C1', o.date, m(o.amount), this.currency, o.promisedShip ?? null, o.shipped ?? null, o.shippedAmount === undefined ? null : m(o.shippedAmount)],
    );
    return o.id;
  }
}

const LEDGER_TABLES = [
  'customers', 'collectors', 'orders', 'invoices', 'invoice_instalments', 'credit_notes', 'payments',
  'payment_applications', 'disputes', 'promises_to_pay', 'activities', 'write_offs', 'fx_rates', 'mart_metric_history',
  'pipeline_runs', 'pipeline_stage_runs',
];

/** Empties every ledger table so one warehouse can serve a whole test file (creating one per test is slow). */
export async function resetLedger(wh: Warehouse): Promise<void> {
  for (const table of LEDGER_TABLES) await wh.run(`delete from ${table}`);
}
