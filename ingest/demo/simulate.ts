/**
 * The transaction simulation: a day-by-day walk from the first month to the end date. Orders are
 * scheduled per customer and month; everything that follows from an invoice (payments, credit
 * notes, disputes, dunning, promises, write-offs) is decided when the invoice is issued, from the
 * customer's latent behaviour and what happened upstream, and queued on the day it happens. Rows are
 * emitted when their day is processed, so identifiers are chronological and nothing after the end
 * date is ever written — except the ground truth, which records the would-be future.
 */
import type { Day } from './dates.ts';
import { addBusinessDays, isBusinessDay, monthOfYear, monthStart, nextBusinessDay, weekday } from './dates.ts';
import type {
  ActivityType,
  CollectorRecord,
  CustomerRecord,
  DemoSink,
  DisputeCause,
  DisputeRecord,
  InvoiceRecord,
  PaymentMethod,
  PromiseRecord,
} from './model.ts';
import type { Rng } from './prng.ts';
import { remittanceFor } from './remittance.ts';
import { formatCents } from './format.ts';

/** Relative order volume by calendar month (quarter-end and December peaks, summer and January dips). */
export const SEASONALITY = [0.85, 0.9, 1.1, 0.95, 1.0, 1.1, 0.9, 0.85, 1.1, 1.05, 1.05, 1.15] as const;
/** Yearly volume growth. */
export const GROWTH = 0.06;
/** Weight of each of the last three business days of a month when placing orders. */
export const MONTH_END_WEIGHT = 1.8;

/** Share of partial shipments billed for the full order (→ short_shipment disputes). */
export const SHORT_BILLED = 0.15;
/** Share of invoices priced above the order (→ pricing disputes). */
export const PRICE_ERROR = 0.012;
/** Share of orders of PO-requiring customers that arrive without a PO, and of POs dropped when billing. */
export const PO_MISSING = 0.02;
export const PO_DROPPED = 0.01;

/** Resolution mix per dispute cause: credit note, rejected (customer pays in full), paid after clarification. */
const RESOLUTION_MIX: Readonly<Record<DisputeCause, readonly (readonly ['credit_note' | 'rejected' | 'paid', number])[]>> = {
  pricing: [['credit_note', 0.7], ['rejected', 0.2], ['paid', 0.1]],
  short_shipment: [['credit_note', 0.8], ['rejected', 0.1], ['paid', 0.1]],
  damaged_goods: [['credit_note', 0.65], ['rejected', 0.25], ['paid', 0.1]],
  missing_po: [['paid', 0.9], ['credit_note', 0.05], ['rejected', 0.05]],
  duplicate_billing: [['credit_note', 1]],
  tax: [['credit_note', 0.85], ['rejected', 0.15]],
  service_not_rendered: [['credit_note', 0.5], ['rejected', 0.4], ['paid', 0.1]],
};

const DISPUTE_NOTES: Readonly<Record<DisputeCause, string>> = {
  pricing: 'Customer says the invoiced price is above the agreed price',
  short_shipment: 'Customer says fewer goods arrived than invoiced',
  damaged_goods: 'Customer reports goods damaged on arrival',
  missing_po: 'Customer AP rejects invoices without their PO number',
  duplicate_billing: 'Customer says this invoice duplicates an earlier one',
  tax: 'Customer disputes the tax charged',
  service_not_rendered: 'Customer says the service was not delivered',
};

interface PayPart {
  day: Day;
  cents: number;
}

type Ev =
  | { k: 'order'; c: CustomerRecord }
  | { k: 'invoice'; c: CustomerRecord; orderId: string; po: string | null; orderNet: number; shippedNet: number; lateDays: number }
  | { k: 'dup'; inv: InvoiceRecord }
  | { k: 'pay'; c: CustomerRecord; inv: InvoiceRecord; cents: number }
  | { k: 'cn'; inv: InvoiceRecord; cents: number; reason: string }
  | { k: 'wo'; inv: InvoiceRecord; cents: number; reason: string }
  | { k: 'dispute'; inv: InvoiceRecord; cents: number; cause: DisputeCause; resolvedDay: Day; resolution: 'credit_note' | 'rejected' | 'paid' }
  | { k: 'act'; c: CustomerRecord; inv: InvoiceRecord | null; type: ActivityType; outcome: string; next: Day | null; note: string }
  | { k: 'promise'; inv: InvoiceRecord; promisedDay: Day; cents: number; status: PromiseRecord['status'] };

export interface SimulationInput {
  readonly rng: Rng;
  readonly sink: DemoSink;
  readonly customers: readonly CustomerRecord[];
  readonly collectors: readonly CollectorRecord[];
  readonly start: Day;
  readonly end: Day;
  /** Payments received on or before this day are already applied in the ERP. */
  readonly cutoff: Day;
  /** Multiplier on every customer's order rate (from --invoices). */
  readonly scale: number;
}

const round = Math.round;

/** Expected order count of the whole run at scale 1 (drives the --invoices scale factor). */
export function expectedOrders(customers: readonly CustomerRecord[], start: Day, end: Day): number {
  let total = 0;
  for (let m = start; m <= end; m = monthStart(m, 1)) {
    const mEnd = Math.min(monthStart(m, 1) - 1, end);
    const season = (SEASONALITY[monthOfYear(m)] ?? 1) * (1 + (GROWTH * (m - start)) / 365);
    for (const c of customers) {
      const [from, to] = activeWindow(c, m, mEnd, start);
      if (to >= from) total += c.monthlyOrders * season * ((to - from + 1) / (mEnd - m + 1));
    }
  }
  return total;
}

function activeWindow(c: CustomerRecord, m: Day, mEnd: Day, start: Day): [Day, Day] {
  const from = Math.max(m, c.createdDay, start);
  let to = mEnd;
  if (c.churnDay !== null) to = Math.min(to, c.churnDay);
  // Credit hold: a defaulted customer gets no new orders shortly after it stops paying.
  if (c.behaviour.defaultDay !== null) to = Math.min(to, c.behaviour.defaultDay + 15);
  return [from, to];
}

/** Two parts of one invoice landing in the same transfer are one application line. */
function mergeByInvoice(parts: { inv: InvoiceRecord; cents: number }[]): { inv: InvoiceRecord; cents: number }[] {
  if (parts.length < 2) return parts;
  const byId = new Map<string, { inv: InvoiceRecord; cents: number }>();
  for (const p of parts) {
    const seen = byId.get(p.inv.id);
    if (seen) seen.cents += p.cents;
    else byId.set(p.inv.id, { inv: p.inv, cents: p.cents });
  }
  return [...byId.values()];
}

export class Simulation {
  private readonly rng: Rng;
  private readonly sink: DemoSink;
  private readonly customers: readonly CustomerRecord[];
  private readonly collectors: readonly CollectorRecord[];
  private readonly start: Day;
  private readonly end: Day;
  private readonly cutoff: Day;
  private readonly scale: number;
  private readonly buckets: (Ev[] | undefined)[] = [];
  private readonly checkNumbers: Int32Array;
  /** Per customer and week: bit 1 = a reminder went out, bit 2 = a collector called (one of each a week). */
  private readonly contactWeeks: Uint8Array;
  private readonly weeks: number;
  private orderSeq = 0;
  private invoiceSeq = 0;
  private paymentSeq = 0;
  private creditSeq = 0;
  private disputeSeq = 0;
  private promiseSeq = 0;
  private activitySeq = 0;
  private writeOffSeq = 0;

  constructor(input: SimulationInput) {
    this.rng = input.rng;
    this.sink = input.sink;
    this.customers = input.customers;
    this.collectors = input.collectors;
    this.start = input.start;
    this.end = input.end;
    this.cutoff = input.cutoff;
    this.scale = input.scale;
    this.checkNumbers = new Int32Array(input.customers.length);
    for (let i = 0; i < this.checkNumbers.length; i++) this.checkNumbers[i] = 1000 + ((i * 7919) % 90000);
    this.weeks = Math.ceil((input.end - input.start + 1) / 7) + 1;
    this.contactWeeks = new Uint8Array(input.customers.length * this.weeks);
  }

  /** Walks the calendar month by month; `onMonth` sees the progress and may yield to the event loop. */
  async run(onMonth: (done: number, total: number) => Promise<void> | void): Promise<void> {
    let total = 0;
    for (let m = this.start; m <= this.end; m = monthStart(m, 1)) total++;
    let done = 0;
    for (let m = this.start; m <= this.end; m = monthStart(m, 1)) {
      const mEnd = Math.min(monthStart(m, 1) - 1, this.end);
      this.scheduleMonth(m, mEnd);
      for (let d = m; d <= mEnd; d++) this.processDay(d);
      done++;
      await onMonth(done, total);
    }
  }

  private schedule(day: Day, ev: Ev): void {
    if (day > this.end) return;
    const i = day - this.start;
    let bucket = this.buckets[i];
    if (bucket === undefined) {
      bucket = [];
      this.buckets[i] = bucket;
    }
    bucket.push(ev);
  }

  private scheduleMonth(m: Day, mEnd: Day): void {
    const rng = this.rng;
    const days: Day[] = [];
    for (let d = m; d <= mEnd; d++) if (isBusinessDay(d)) days.push(d);
    if (days.length === 0) return;
    const weights = days.map((_, i) => (i >= days.length - 3 ? MONTH_END_WEIGHT : 1));
    const cum: number[] = [];
    let acc = 0;
    for (const w of weights) cum.push((acc += w));
    const season = (SEASONALITY[monthOfYear(m)] ?? 1) * (1 + (GROWTH * (m - this.start)) / 365);
    for (const c of this.customers) {
      const [from, to] = activeWindow(c, m, mEnd, this.start);
      if (to < from) continue;
      const n = rng.poisson(c.monthlyOrders * this.scale * season * ((to - from + 1) / (mEnd - m + 1)));
      for (let k = 0; k < n; k++) {
        const r = rng.next() * acc;
        let j = 0;
        while (j < cum.length - 1 && (cum[j] ?? 0) <= r) j++;
        let day = days[j] ?? m;
        if (day < from || day > to) {
          const inside = days.filter((d) => d >= from && d <= to);
          if (inside.length === 0) continue;
          day = rng.pick(inside);
        }
        this.schedule(day, { k: 'order', c });
      }
    }
  }

  private processDay(day: Day): void {
    const i = day - this.start;
    const bucket = this.buckets[i];
    if (bucket === undefined) return;
    this.buckets[i] = undefined;
    const payGroups = new Map<number, { c: CustomerRecord; parts: { inv: InvoiceRecord; cents: number }[] }>();
    let solo = -1;
    // Events may append to today's bucket while it is processed; index iteration sees them.
    for (let j = 0; j < bucket.length; j++) {
      const ev = bucket[j];
      if (ev === undefined) continue;
      switch (ev.k) {
        case 'order':
          this.onOrder(ev.c, day);
          break;
        case 'invoice':
          this.makeInvoice(ev.c, day, ev.orderId, ev.po, ev.orderNet, ev.shippedNet, ev.lateDays, false);
          break;
        case 'dup':
          this.makeDuplicate(ev.inv, day);
          break;
        case 'pay': {
          // Payment-run customers pay everything due on the run day in one transfer.
          const key = ev.c.behaviour.paymentRunWeekday !== null ? ev.c.index : solo--;
          let g = payGroups.get(key);
          if (g === undefined) {
            g = { c: ev.c, parts: [] };
            payGroups.set(key, g);
          }
          g.parts.push({ inv: ev.inv, cents: ev.cents });
          break;
        }
        case 'cn':
          this.sink.creditNote({
            id: `CN-${String(++this.creditSeq).padStart(7, '0')}`,
            customer: ev.inv.customer,
            invoiceId: ev.inv.id,
            day,
            amountCents: ev.cents,
            currency: ev.inv.customer.currency,
            reason: ev.reason,
          });
          break;
        case 'wo':
          this.sink.writeOff({
            id: `WO-${String(++this.writeOffSeq).padStart(7, '0')}`,
            invoiceId: ev.inv.id,
            customer: ev.inv.customer,
            day,
            amountCents: ev.cents,
            reason: ev.reason,
          });
          break;
        case 'dispute':
          this.emitDispute(ev, day);
          break;
        case 'act':
          this.sink.activity({
            id: `ACT-${String(++this.activitySeq).padStart(8, '0')}`,
            customer: ev.c,
            invoiceId: ev.inv?.id ?? null,
            collectorId: this.collectorOf(ev.c).id,
            type: ev.type,
            day,
            secondOfDay: this.rng.int(8 * 3600, 17 * 3600 + 1800),
            outcome: ev.outcome,
            nextFollowUp: ev.next,
            note: ev.note,
          });
          break;
        case 'promise':
          this.sink.promise({
            id: `PTP-${String(++this.promiseSeq).padStart(7, '0')}`,
            customer: ev.inv.customer,
            invoiceId: ev.inv.id,
            collectorId: this.collectorOf(ev.inv.customer).id,
            createdDay: day,
            promisedDay: ev.promisedDay,
            amountCents: ev.cents,
            currency: ev.inv.customer.currency,
            status: ev.status,
          });
          break;
      }
    }
    for (const g of payGroups.values()) this.emitPayment(g.c, day, mergeByInvoice(g.parts));
  }

  private collectorOf(c: CustomerRecord): CollectorRecord {
    const col = this.collectors[c.collectorIndex];
    if (col === undefined) throw new RangeError(`customer ${c.id} has no collector`);
    return col;
  }

  private onOrder(c: CustomerRecord, day: Day): void {
    const rng = this.rng;
    const net = Math.max(5000, round(rng.logNormal(c.medianOrderCents, 0.8)));
    const po = c.requiresPo ? (rng.chance(1 - PO_MISSING) ? this.poNumber(c) : null) : rng.chance(0.3) ? this.poNumber(c) : null;
    if (rng.chance(c.serviceShare)) {
      // Services are billed on the day without a sales order.
      this.makeInvoice(c, day, null, po, net, net, 0, true);
      return;
    }
    const promised = addBusinessDays(day, rng.int(2, 12));
    const r = rng.next();
    const delay = r < 0.8 ? 0 : r < 0.95 ? rng.int(1, 10) : rng.int(11, 30);
    let shipped = delay === 0 ? promised : nextBusinessDay(promised + delay);
    // Month-end push: shipments due in the first days of a month are often pulled into the month before.
    const shipMonth = monthStart(shipped);
    if (shipped - shipMonth < 5 && rng.chance(0.4)) {
      let last = shipMonth - 1;
      while (!isBusinessDay(last)) last--;
      if (last > day) shipped = last;
    }
    const shippedNet = rng.chance(0.08) ? round(net * rng.uniform(0.5, 0.95)) : net;
    const invoiced = shipped <= this.end;
    // Orders still open at the end carry the date sales expects to bill (rescheduled when overdue).
    const expected = invoiced || promised > this.end ? promised : nextBusinessDay(this.end + rng.int(1, 10));
    const id = `SO-${String(++this.orderSeq).padStart(7, '0')}`;
    this.sink.order({
      id,
      customer: c,
      day,
      amountCents: net,
      poNumber: po,
      expectedInvoiceDay: expected,
      status: invoiced ? 'invoiced' : 'open',
      promisedShipDay: promised,
      shippedDay: invoiced ? shipped : null,
      shippedCents: invoiced ? shippedNet : null,
    });
    if (invoiced) this.schedule(shipped, { k: 'invoice', c, orderId: id, po, orderNet: net, shippedNet, lateDays: Math.max(0, shipped - promised) });
  }

  private poNumber(c: CustomerRecord): string {
    return c.segment === 'enterprise' ? `45${this.rng.int(10000000, 99999999)}` : `PO-${this.rng.int(100000, 999999)}`;
  }

  private newInvoice(c: CustomerRecord, day: Day, orderId: string | null, po: string | null, amount: number, tax: number): InvoiceRecord {
    const inv: InvoiceRecord = {
      id: `INV-${1_000_000 + ++this.invoiceSeq}`,
      customer: c,
      orderId,
      poNumber: po,
      day,
      dueDay: day + c.termsDays,
      amountCents: amount,
      taxCents: tax,
      termsDays: c.termsDays,
      discountPct: c.discountPct,
      discountDays: c.discountDays,
    };
    this.sink.invoice(inv);
    return inv;
  }

  private makeInvoice(c: CustomerRecord, day: Day, orderId: string | null, po: string | null, orderNet: number, shippedNet: number, lateDays: number, service: boolean): void {
    const rng = this.rng;
    // Billing errors upstream of AR: a partial shipment billed in full, a price above the order's.
    const shortBilled = shippedNet < orderNet && rng.chance(SHORT_BILLED);
    let billedNet = shortBilled ? orderNet : shippedNet;
    const priceError = rng.chance(PRICE_ERROR);
    const overcharge = priceError ? round(billedNet * rng.uniform(0.03, 0.15)) : 0;
    billedNet += overcharge;
    const poOnInvoice = po !== null && rng.chance(PO_DROPPED) ? null : po;
    const taxError = rng.chance(0.004);
    const rate = taxError ? c.taxRate + 0.05 : c.taxRate;
    const tax = round(billedNet * rate);
    const inv = this.newInvoice(c, day, orderId, poOnInvoice, billedNet + tax, tax);
    const amount = inv.amountCents;
    const prop = c.behaviour.disputePropensity;
    let cause: DisputeCause | null = null;
    let disputed = 0;
    if (shortBilled && rng.chance(0.9)) {
      cause = 'short_shipment';
      disputed = round((orderNet - shippedNet) * (1 + rate));
    } else if (priceError && rng.chance(0.85)) {
      cause = 'pricing';
      disputed = round(overcharge * (1 + rate));
    } else if (poOnInvoice === null && c.requiresPo && rng.chance(0.9)) {
      cause = 'missing_po';
      disputed = amount;
    } else if (taxError && rng.chance(0.8)) {
      cause = 'tax';
      disputed = tax - round(billedNet * c.taxRate);
    } else if (!service && rng.chance(0.006 * prop * (lateDays > 0 ? 3 : 1))) {
      cause = 'damaged_goods';
      disputed = round(amount * rng.uniform(0.1, 0.6));
    } else if (service && rng.chance(0.015 * prop)) {
      cause = 'service_not_rendered';
      disputed = rng.chance(0.5) ? amount : round(amount * rng.uniform(0.2, 0.8));
    } else if (rng.chance(0.004 * prop)) {
      cause = 'pricing';
      disputed = round(amount * rng.uniform(0.03, 0.2));
    }
    if (cause !== null && disputed <= 0) cause = null;
    this.planInvoice(inv, cause, Math.min(disputed, amount), lateDays);
    if (rng.chance(0.003)) this.schedule(nextBusinessDay(day + rng.int(1, 5)), { k: 'dup', inv });
  }

  /** A second invoice for the same delivery: disputed by the customer and credited, never paid. */
  private makeDuplicate(orig: InvoiceRecord, day: Day): void {
    const inv = this.newInvoice(orig.customer, day, orig.orderId, orig.poNumber, orig.amountCents, orig.taxCents);
    const opened = nextBusinessDay(day + this.rng.int(5, 20));
    const credits: PayPart[] = [];
    const parts: PayPart[] = [];
    this.openDispute(inv, 'duplicate_billing', inv.amountCents, opened, parts, credits);
    this.finish(inv, parts, credits, [], 'duplicate_billing', false);
  }

  private daysLate(c: CustomerRecord, due: Day, lateShipDays: number): number {
    const rng = this.rng;
    const b = c.behaviour;
    let mean = b.meanDaysLate;
    if (b.deterioratesFrom !== null && due > b.deterioratesFrom) {
      mean += b.deteriorationDays * Math.min(1, (due - b.deterioratesFrom) / 180);
    }
    let late: number;
    if (b.cls === 'chronic_late') late = mean * Math.exp(0.9 * rng.normal() - 0.405);
    else if (mean > 3 && b.cls !== 'early') late = mean * Math.exp(0.6 * rng.normal() - 0.18);
    else late = mean + rng.normal(0, b.cls === 'early' ? 2 : 2.5);
    // Goods that arrive late hold up the customer's three-way match.
    late += lateShipDays * 0.5;
    const m = monthOfYear(due + Math.round(late));
    if (m === 11 || m === 7) late += rng.int(0, 6);
    return Math.round(late);
  }

  /**
   * The day the customer actually pays for a target day: the next business day, or for payment-run
   * customers the run nearest to the target (AP schedules invoices into the run around their date).
   */
  private payDay(c: CustomerRecord, target: Day, invoiceDay: Day): Day {
    const run = c.behaviour.paymentRunWeekday;
    if (run === null) return nextBusinessDay(Math.max(target, invoiceDay + 1));
    let day = target - 3;
    while (weekday(day) !== run) day++;
    while (day <= invoiceDay) day += 7;
    return day;
  }

  private planInvoice(inv: InvoiceRecord, cause: DisputeCause | null, disputed: number, lateShipDays: number): void {
    const rng = this.rng;
    const c = inv.customer;
    const b = c.behaviour;
    const amount = inv.amountCents;
    const parts: PayPart[] = [];
    const credits: (PayPart & { reason: string })[] = [];
    const writeOffs: (PayPart & { reason: string })[] = [];
    const discountable = cause === null && inv.discountPct !== null && inv.discountDays !== null && b.takesDiscount && rng.chance(0.9);
    let shortPayCause: DisputeCause | null = null;
    if (discountable) {
      // Paid inside the discount window, net of the discount the ERP posts as a credit note.
      const day = nextBusinessDay(inv.day + rng.int(4, Math.max(4, (inv.discountDays ?? 10) - 1)));
      const discount = round((amount * (inv.discountPct ?? 0)) / 100);
      parts.push({ day, cents: amount - discount });
      credits.push({ day, cents: discount, reason: 'early_payment_discount' });
    } else {
      const payDay = this.payDay(c, inv.dueDay + this.daysLate(c, inv.dueDay, lateShipDays), inv.day);
      const payable = amount - disputed;
      if (cause !== null) {
        if (payable > 0) parts.push({ day: payDay, cents: payable });
        const opened = nextBusinessDay(inv.day + (cause === 'missing_po' ? rng.int(3, 15) : rng.int(5, 25)));
        this.openDispute(inv, cause, disputed, opened, parts, credits);
      } else if (rng.chance(b.partialPropensity)) {
        // Instalments: a first part on the behavioural day, the rest weeks later.
        const k = rng.chance(0.75) ? 2 : 3;
        let left = amount;
        let day = payDay;
        for (let i = 0; i < k; i++) {
          const cents = i === k - 1 ? left : round(left * rng.uniform(0.3, 0.7));
          parts.push({ day, cents });
          left -= cents;
          day = this.payDay(c, day + rng.int(10, 35), inv.day);
        }
      } else if (rng.chance(0.012 * b.disputePropensity)) {
        // A short payment: the customer deducts what it contests and the deduction becomes a dispute.
        const deduction = Math.max(1, round(amount * rng.uniform(0.02, 0.25)));
        parts.push({ day: payDay, cents: amount - deduction });
        shortPayCause = rng.pick<DisputeCause>(['damaged_goods', 'pricing', 'short_shipment']);
        this.openDispute(inv, shortPayCause, deduction, nextBusinessDay(payDay + rng.int(2, 10)), parts, credits);
      } else if (c.preferredMethod === 'wire' && c.country !== 'US' && rng.chance(0.05)) {
        // An international wire arrives short by the intermediary bank's charge; AR writes it off.
        const fee = Math.min(round(amount / 10), rng.int(10, 35) * 100);
        parts.push({ day: payDay, cents: amount - fee });
        writeOffs.push({ day: nextBusinessDay(payDay + rng.int(15, 45)), cents: fee, reason: 'bank_charges' });
      } else {
        parts.push({ day: payDay, cents: amount });
      }
    }
    // A wholly disputed invoice is worked by the dispute desk, not dunned.
    this.finish(inv, parts, credits, writeOffs, cause ?? shortPayCause, !(cause !== null && disputed >= amount));
  }

  private openDispute(inv: InvoiceRecord, cause: DisputeCause, cents: number, opened: Day, parts: PayPart[], credits: (PayPart & { reason?: string })[]): void {
    const rng = this.rng;
    const duration = Math.min(150, Math.max(2, round(rng.logNormal(18, 0.6))));
    const resolvedDay = nextBusinessDay(opened + duration);
    const resolution = rng.weighted(RESOLUTION_MIX[cause]);
    if (resolution === 'credit_note') credits.push({ day: resolvedDay, cents, reason: `dispute_${cause}` });
    else if (resolution === 'rejected') parts.push({ day: this.payDay(inv.customer, resolvedDay + rng.int(3, 25), inv.day), cents });
    else parts.push({ day: this.payDay(inv.customer, resolvedDay + rng.int(2, 12), inv.day), cents });
    this.schedule(opened, { k: 'dispute', inv, cents, cause, resolvedDay, resolution });
    this.schedule(opened, { k: 'act', c: inv.customer, inv, type: 'email', outcome: 'dispute_raised', next: null, note: DISPUTE_NOTES[cause] });
  }

  private emitDispute(ev: Extract<Ev, { k: 'dispute' }>, day: Day): void {
    const resolved = ev.resolvedDay <= this.end;
    const status: DisputeRecord['status'] = resolved
      ? ev.resolution === 'rejected'
        ? 'rejected'
        : 'resolved'
      : this.end - day < 10
        ? 'open'
        : 'in_review';
    this.sink.dispute({
      id: `DSP-${String(++this.disputeSeq).padStart(6, '0')}`,
      invoiceId: ev.inv.id,
      customer: ev.inv.customer,
      openedDay: day,
      amountCents: ev.cents,
      cause: ev.cause,
      status,
      resolvedDay: resolved ? ev.resolvedDay : null,
      resolution: resolved ? ev.resolution : null,
      owner: this.collectorOf(ev.inv.customer).id,
      note: DISPUTE_NOTES[ev.cause],
    });
  }

  /** Applies the default cut-off, queues what happens up to the end date and records the truth. */
  private finish(
    inv: InvoiceRecord,
    plannedParts: PayPart[],
    credits: (PayPart & { reason?: string })[],
    writeOffs: (PayPart & { reason: string })[],
    disputeCause: DisputeCause | null,
    dunning: boolean,
  ): void {
    const c = inv.customer;
    const b = c.behaviour;
    let parts = plannedParts;
    let defaultedAmount = 0;
    if (b.defaultDay !== null && b.writeOffDay !== null) {
      const cutoff = b.defaultDay;
      const kept = parts.filter((p) => p.day < cutoff);
      if (kept.length < parts.length) {
        defaultedAmount = parts.filter((p) => p.day >= cutoff).reduce((s, p) => s + p.cents, 0);
        parts = kept;
        writeOffs.push({ day: nextBusinessDay(Math.max(b.writeOffDay, inv.day + 1)), cents: defaultedAmount, reason: 'uncollectible' });
      }
    }
    parts.sort((x, y) => x.day - y.day);
    for (const p of parts) this.schedule(p.day, { k: 'pay', c, inv, cents: p.cents });
    for (const cn of credits) this.schedule(cn.day, { k: 'cn', inv, cents: cn.cents, reason: cn.reason ?? 'credit' });
    for (const wo of writeOffs) this.schedule(wo.day, { k: 'wo', inv, cents: wo.cents, reason: wo.reason });
    let settled: Day | null = null;
    for (const x of [...parts, ...credits, ...writeOffs]) settled = settled === null ? x.day : Math.max(settled, x.day);
    const paidDay = parts.length > 0 ? (parts[parts.length - 1]?.day ?? null) : null;
    const outcome = defaultedAmount > 0 ? 'written_off' : parts.length > 0 ? 'paid' : credits.length > 0 ? 'credited' : 'unpaid';
    this.sink.invoiceOutcome({
      invoice: inv,
      paidDay: defaultedAmount > 0 ? null : paidDay,
      settledDay: settled,
      outcome,
      paymentCount: parts.length,
      disputed: disputeCause !== null,
    });
    if (dunning) this.dun(inv, parts, defaultedAmount > 0);
  }

  /** Collector follow-up of an invoice that is not paid a week after its due date. */
  private dun(inv: InvoiceRecord, parts: readonly PayPart[], defaulted: boolean): void {
    const rng = this.rng;
    const c = inv.customer;
    const firstPay = parts[0]?.day ?? Infinity;
    const lastPay = defaulted ? (c.behaviour.writeOffDay ?? Infinity) : (parts[parts.length - 1]?.day ?? Infinity);
    if (lastPay <= inv.dueDay + 7) return;
    const reminder = nextBusinessDay(inv.dueDay + rng.int(2, 5));
    let call = nextBusinessDay(inv.dueDay + rng.int(10, 16));
    if (reminder < firstPay && reminder <= this.end && this.claimWeek(c, reminder, 1)) {
      this.schedule(reminder, { k: 'act', c, inv, type: 'email', outcome: 'reminder_sent', next: call, note: 'Payment reminder with invoice copy' });
    }
    for (let calls = 0; call < lastPay && call <= this.end && calls < 8; calls++) {
      const next = nextBusinessDay(call + rng.int(7, 14));
      // One call covers all of a customer's overdue invoices that week.
      if (!this.claimWeek(c, call, 2)) {
        call = next;
        continue;
      }
      const paidBefore = parts.reduce((s, p) => (p.day <= call ? s + p.cents : s), 0);
      const open = inv.amountCents - paidBefore;
      if (open <= 0) return;
      if (!defaulted && lastPay - call <= 21) {
        // The customer commits to the day it will really pay (kept promise).
        const promised = Math.max(call + 1, lastPay - rng.int(0, 2));
        this.schedule(call, { k: 'act', c, inv, type: 'call', outcome: 'promise_to_pay', next: promised + 1, note: 'Customer committed to a payment date' });
        this.schedule(call, { k: 'promise', inv, promisedDay: promised, cents: open, status: this.promiseStatus(parts, call, promised, open) });
        return;
      }
      const r = rng.next();
      if (r < 0.3) {
        const promised = nextBusinessDay(call + rng.int(3, 10));
        this.schedule(call, { k: 'act', c, inv, type: 'call', outcome: 'promise_to_pay', next: promised + 1, note: 'Customer committed to a payment date' });
        this.schedule(call, { k: 'promise', inv, promisedDay: promised, cents: open, status: this.promiseStatus(parts, call, promised, open) });
      } else if (r < 0.7) {
        const outcome = rng.chance(0.5) ? 'no_answer' : 'left_voicemail';
        this.schedule(call, { k: 'act', c, inv, type: 'call', outcome, next, note: 'Called AP contact' });
      } else if (r < 0.9) {
        this.schedule(call, { k: 'act', c, inv, type: 'call', outcome: 'contact_made', next, note: 'AP is checking the invoice status' });
      } else {
        const outcome = defaulted ? 'refused' : 'cash_flow_issues';
        this.schedule(call, { k: 'act', c, inv, type: 'call', outcome, next, note: 'Customer cites cash flow problems' });
      }
      call = next;
    }
    if (defaulted && c.behaviour.defaultDay !== null) {
      const letter = nextBusinessDay(Math.max(c.behaviour.defaultDay + 60, inv.dueDay + 30));
      if (letter < lastPay) this.schedule(letter, { k: 'act', c, inv, type: 'letter', outcome: 'final_demand', next: null, note: 'Final demand before write-off' });
    }
  }

  /** Claims the customer's contact slot of that week; false when a reminder/call already covers it. */
  private claimWeek(c: CustomerRecord, day: Day, bit: number): boolean {
    const i = c.index * this.weeks + Math.floor((day - this.start) / 7);
    const v = this.contactWeeks[i] ?? 0;
    if (v & bit) return false;
    this.contactWeeks[i] = v | bit;
    return true;
  }

  /** A promise's status as the ERP shows it on the end date (two days' grace). */
  private promiseStatus(parts: readonly PayPart[], created: Day, promised: Day, cents: number): PromiseRecord['status'] {
    const deadline = promised + 2;
    let paid = 0;
    for (const p of parts) if (p.day > created && p.day <= deadline && p.day <= this.end) paid += p.cents;
    if (paid >= cents) return 'kept';
    if (deadline >= this.end) return 'open';
    return paid > 0 ? 'partially_kept' : 'broken';
  }

  private emitPayment(c: CustomerRecord, day: Day, parts: readonly { inv: InvoiceRecord; cents: number }[]): void {
    const rng = this.rng;
    const payer = c.paidByParent && c.parentIndex !== null ? (this.customers[c.parentIndex] ?? c) : c;
    let total = 0;
    for (const p of parts) total += p.cents;
    let method: PaymentMethod = c.preferredMethod;
    if (method === 'card' && total > 500_000) method = c.country === 'US' ? 'ach' : 'wire';
    else if (rng.chance(0.05)) method = 'wire';
    const checkNumber = this.checkNumbers[payer.index] ?? 1000;
    if (method === 'check') this.checkNumbers[payer.index] = checkNumber + 1;
    const ids = parts.map((p) => p.inv.id);
    const amounts = parts.map((p) => formatCents(p.cents));
    const rem = remittanceFor(rng, c.remittance, method, ids, amounts, checkNumber);
    const known = day <= this.cutoff;
    const id = `PAY-${String(++this.paymentSeq).padStart(8, '0')}`;
    this.sink.payment({
      id,
      customer: c,
      customerKnown: known,
      day,
      valueDay: method === 'check' ? addBusinessDays(day, rng.int(1, 2)) : day,
      amountCents: total,
      currency: c.currency,
      payerName: payer.payerName,
      reference: rem.reference,
      remittanceText: rem.remittanceText,
      method,
      bankAccount: payer.bankAccount,
      bankReference: `${String(rng.int(100000, 999999))}${String(this.paymentSeq).padStart(9, '0')}`,
    });
    const appliedDay = Math.min(this.end, addBusinessDays(day, rng.int(0, 2)));
    for (const p of parts) {
      const app = { paymentId: id, invoiceId: p.inv.id, amountCents: p.cents, appliedDay };
      this.sink.trueApplication(app);
      if (known) this.sink.application(app);
    }
  }
}
