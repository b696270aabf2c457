/**
 * Renders the demo model as the canonical CSV layout (one `<kind>.csv` per kind) plus the ground
 * truth under `truth/`. Rows are appended to large string buffers and written synchronously in
 * ~1 MB chunks: no per-row stream writes, constant memory however many rows.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { isoFromDay } from './dates.ts';
import type {
  ActivityRecord,
  ApplicationRecord,
  CollectorRecord,
  CreditNoteRecord,
  CustomerRecord,
  DemoSink,
  DisputeRecord,
  FxRateRecord,
  InvoiceOutcomeRecord,
  InvoiceRecord,
  OrderRecord,
  PaymentRecord,
  PromiseRecord,
  WriteOffRecord,
} from './model.ts';
import { csvField as q, formatCents as money } from './format.ts';

const CHUNK = 1 << 20;

/** Encodes rows straight into a reusable byte buffer: no giant concatenated strings for the GC to chase. */
class CsvFile {
  private readonly fd: number;
  private readonly buf = Buffer.allocUnsafe(CHUNK);
  private used = 0;
  rows = 0;

  constructor(readonly path: string, header: readonly string[]) {
    this.fd = openSync(path, 'w');
    this.put(`${header.join(',')}\n`);
  }

  private pending = '';

  line(text: string): void {
    // Short strings are batched first: one Buffer.write per ~16 KB instead of one per field.
    this.pending += `${text}\n`;
    this.rows++;
    if (this.pending.length > 16_384) {
      const batch = this.pending;
      this.pending = '';
      this.put(batch);
    }
  }

  private put(text: string): void {
    // A UTF-8 character takes at most 3 bytes per UTF-16 unit.
    if (this.used + text.length * 3 > CHUNK) {
      this.flush();
      if (text.length * 3 > CHUNK) {
        writeSync(this.fd, text);
        return;
      }
    }
    this.used += this.buf.write(text, this.used);
  }

  flush(): void {
    if (this.pending.length > 0) {
      const text = this.pending;
      this.pending = '';
      this.put(text);
    }
    let off = 0;
    while (off < this.used) off += writeSync(this.fd, this.buf, off, this.used - off);
    this.used = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** Canonical headers (required columns first, then the optional ones the demo fills). */
export const CANONICAL_HEADERS = {
  collectors: ['collector_id', 'name', 'daily_capacity', 'email'],
  customers: [
    'customer_id', 'name', 'country', 'currency', 'payment_terms_days', 'credit_limit', 'segment', 'industry', 'collector_id',
    'parent_id', 'discount_pct', 'discount_days', 'contact_name', 'email', 'phone', 'created_date', 'strategic',
  ],
  orders: [
    'order_id', 'customer_id', 'order_date', 'amount', 'currency',
    'po_number', 'expected_invoice_date', 'status', 'promised_ship_date', 'shipped_date', 'shipped_amount',
  ],
  invoices: [
    'invoice_id', 'customer_id', 'invoice_date', 'due_date', 'amount', 'currency',
    'order_id', 'po_number', 'tax_amount', 'terms_days', 'discount_pct', 'discount_days',
  ],
  credit_notes: ['credit_note_id', 'customer_id', 'date', 'amount', 'currency', 'invoice_id', 'reason'],
  payments: [
    'payment_id', 'received_date', 'amount', 'currency', 'payer_name', 'reference',
    'customer_id', 'value_date', 'method', 'remittance_text', 'bank_account', 'bank_reference',
  ],
  applications: ['payment_id', 'invoice_id', 'amount', 'applied_date'],
  disputes: ['dispute_id', 'invoice_id', 'opened_date', 'amount', 'cause', 'status', 'resolved_date', 'resolution', 'customer_id', 'owner', 'note'],
  promises: ['promise_id', 'customer_id', 'created_date', 'promised_date', 'amount', 'invoice_id', 'collector_id', 'currency', 'status', 'note'],
  activities: ['activity_id', 'customer_id', 'activity_type', 'activity_at', 'invoice_id', 'collector_id', 'outcome', 'next_follow_up', 'note'],
  write_offs: ['write_off_id', 'invoice_id', 'write_off_date', 'amount', 'customer_id', 'reason'],
  fx_rates: ['rate_date', 'currency', 'base_currency', 'rate'],
} as const;

export type CanonicalKind = keyof typeof CANONICAL_HEADERS;

/** The order the canonical loader wants several files in (parents before children). */
export const LOAD_ORDER: readonly CanonicalKind[] = [
  'collectors', 'fx_rates', 'customers', 'orders', 'invoices', 'credit_notes', 'payments', 'applications', 'disputes',
  'promises', 'activities', 'write_offs',
];

export const TRUTH_HEADERS = {
  payment_applications: ['payment_id', 'invoice_id', 'credit_note_id', 'amount'],
  customer_behaviour: [
    'customer_id', 'behaviour_class', 'mean_days_late', 'deteriorates_from', 'deterioration_days', 'default_date', 'defaulted',
    'write_off_date', 'partial_propensity', 'dispute_propensity', 'payment_run_weekday', 'takes_discount', 'paid_by_parent',
    'payer_name', 'remittance_quality',
  ],
  invoice_outcomes: [
    'invoice_id', 'customer_id', 'due_date', 'amount', 'paid_date', 'settled_date', 'outcome', 'days_late', 'payment_count',
    'disputed', 'open_at_end',
  ],
} as const;

export type TruthKind = keyof typeof TRUTH_HEADERS;

const d = isoFromDay;
const opt = (day: number | null) => (day === null ? '' : isoFromDay(day));
const hms = (s: number) => {
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return `${h < 10 ? '0' : ''}${h}:${m < 10 ? '0' : ''}${m}:${sec < 10 ? '0' : ''}${sec}`;
};

export class CanonicalCsvWriter implements DemoSink {
  private readonly files: Record<CanonicalKind, CsvFile>;
  private readonly truth: Record<TruthKind, CsvFile>;

  constructor(readonly dir: string, private readonly baseCurrency: string, private readonly endDay: number) {
    mkdirSync(join(dir, 'truth'), { recursive: true });
    this.files = Object.fromEntries(
      Object.entries(CANONICAL_HEADERS).map(([kind, header]) => [kind, new CsvFile(join(dir, `${kind}.csv`), header)]),
    ) as Record<CanonicalKind, CsvFile>;
    this.truth = Object.fromEntries(
      Object.entries(TRUTH_HEADERS).map(([kind, header]) => [kind, new CsvFile(join(dir, 'truth', `${kind}.csv`), header)]),
    ) as Record<TruthKind, CsvFile>;
  }

  /** Row counts per canonical file and truth file. */
  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, f] of Object.entries(this.files)) out[k] = f.rows;
    for (const [k, f] of Object.entries(this.truth)) out[`truth/${k}`] = f.rows;
    return out;
  }

  paths(): Record<CanonicalKind, string> {
    return Object.fromEntries(Object.entries(this.files).map(([k, f]) => [k, f.path])) as Record<CanonicalKind, string>;
  }

  collector(r: CollectorRecord): void {
    this.files.collectors.line(`${r.id},${q(r.name)},${r.dailyCapacity},${q(r.email)}`);
  }

  customer(r: CustomerRecord, collector: CollectorRecord, parent: CustomerRecord | null): void {
    this.files.customers.line(
      `${r.id},${q(r.name)},${r.country},${r.currency},${r.termsDays},${money(r.creditLimitCents)},${r.segment},${r.industry},${collector.id},` +
        `${parent?.id ?? ''},${r.discountPct === null ? '' : r.discountPct.toFixed(2)},${r.discountDays ?? ''},${q(r.contactName)},${q(r.email)},` +
        `${q(r.phone)},${d(r.createdDay)},${r.strategic}`,
    );
  }

  fxRate(r: FxRateRecord): void {
    this.files.fx_rates.line(`${d(r.day)},${r.currency},${this.baseCurrency},${r.rate.toFixed(6)}`);
  }

  order(r: OrderRecord): void {
    this.files.orders.line(
      `${r.id},${r.customer.id},${d(r.day)},${money(r.amountCents)},${r.customer.currency},${r.poNumber ?? ''},${d(r.expectedInvoiceDay)},` +
        `${r.status},${d(r.promisedShipDay)},${opt(r.shippedDay)},${r.shippedCents === null ? '' : money(r.shippedCents)}`,
    );
  }

  invoice(r: InvoiceRecord): void {
    this.files.invoices.line(
      `${r.id},${r.customer.id},${d(r.day)},${d(r.dueDay)},${money(r.amountCents)},${r.customer.currency},${r.orderId ?? ''},` +
        `${r.poNumber ?? ''},${money(r.taxCents)},${r.termsDays},${r.discountPct === null ? '' : r.discountPct.toFixed(2)},${r.discountDays ?? ''}`,
    );
  }

  payment(r: PaymentRecord): void {
    this.files.payments.line(
      `${r.id},${d(r.day)},${money(r.amountCents)},${r.currency},${q(r.payerName)},${q(r.reference)},${r.customerKnown ? r.customer.id : ''},` +
        `${d(r.valueDay)},${r.method},${q(r.remittanceText)},${q(r.bankAccount)},${r.bankReference}`,
    );
  }

  trueApplication(r: ApplicationRecord): void {
    this.truth.payment_applications.line(`${r.paymentId},${r.invoiceId},,${money(r.amountCents)}`);
  }

  application(r: ApplicationRecord): void {
    this.files.applications.line(`${r.paymentId},${r.invoiceId},${money(r.amountCents)},${d(r.appliedDay)}`);
  }

  creditNote(r: CreditNoteRecord): void {
    this.files.credit_notes.line(`${r.id},${r.customer.id},${d(r.day)},${money(r.amountCents)},${r.currency},${r.invoiceId},${r.reason}`);
  }

  dispute(r: DisputeRecord): void {
    this.files.disputes.line(
      `${r.id},${r.invoiceId},${d(r.openedDay)},${money(r.amountCents)},${r.cause},${r.status},${opt(r.resolvedDay)},${r.resolution ?? ''},` +
        `${r.customer.id},${r.owner},${q(r.note)}`,
    );
  }

  promise(r: PromiseRecord): void {
    this.files.promises.line(
      `${r.id},${r.customer.id},${d(r.createdDay)},${d(r.promisedDay)},${money(r.amountCents)},${r.invoiceId},${r.collectorId},${r.currency},${r.status},Promised on a collector call`,
    );
  }

  activity(r: ActivityRecord): void {
    this.files.activities.line(
      `${r.id},${r.customer.id},${r.type},${d(r.day)}T${hms(r.secondOfDay)},${r.invoiceId ?? ''},${r.collectorId},${r.outcome},${opt(r.nextFollowUp)},${q(r.note)}`,
    );
  }

  writeOff(r: WriteOffRecord): void {
    this.files.write_offs.line(`${r.id},${r.invoiceId},${d(r.day)},${money(r.amountCents)},${r.customer.id},${r.reason}`);
  }

  invoiceOutcome(r: InvoiceOutcomeRecord): void {
    const inv = r.invoice;
    const openAtEnd = r.settledDay === null || r.settledDay > this.endDay;
    this.truth.invoice_outcomes.line(
      `${inv.id},${inv.customer.id},${d(inv.dueDay)},${money(inv.amountCents)},${opt(r.paidDay)},${opt(r.settledDay)},${r.outcome},` +
        `${r.paidDay === null ? '' : r.paidDay - inv.dueDay},${r.paymentCount},${r.disputed},${openAtEnd}`,
    );
  }

  customerBehaviour(r: CustomerRecord): void {
    const b = r.behaviour;
    this.truth.customer_behaviour.line(
      `${r.id},${b.cls},${b.meanDaysLate.toFixed(1)},${opt(b.deterioratesFrom)},${b.deteriorationDays.toFixed(1)},${opt(b.defaultDay)},` +
        `${b.defaultDay !== null},${opt(b.writeOffDay)},${b.partialPropensity},${b.disputePropensity.toFixed(2)},${b.paymentRunWeekday ?? ''},` +
        `${b.takesDiscount},${r.paidByParent},${q(r.payerName)},${r.remittance}`,
    );
  }

  close(): void {
    for (const f of Object.values(this.files)) f.close();
    for (const f of Object.values(this.truth)) f.close();
  }
}
