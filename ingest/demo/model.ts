/**
 * The in-memory record model the simulation emits. Dates are day numbers and money is integer
 * cents, so every renderer (canonical CSV today, ERP or bank layouts later) formats them itself
 * and the simulation never depends on an output format.
 */
import type { Day } from './dates.ts';

export type Segment = 'enterprise' | 'mid' | 'smb';

export type BehaviourClass = 'early' | 'on_terms' | 'late' | 'chronic_late' | 'deteriorating' | 'defaulted';

export type DisputeCause =
  | 'pricing'
  | 'short_shipment'
  | 'damaged_goods'
  | 'missing_po'
  | 'duplicate_billing'
  | 'tax'
  | 'service_not_rendered';

export type PaymentMethod = 'wire' | 'ach' | 'check' | 'card';

export interface CollectorRecord {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly dailyCapacity: number;
  readonly region: string;
}

export interface FxRateRecord {
  readonly day: Day;
  readonly currency: string;
  readonly rate: number;
}

export interface Behaviour {
  readonly cls: BehaviourClass;
  /** Mean days paid after the due date (negative = before). */
  readonly meanDaysLate: number;
  /** Start of the deterioration ramp (deteriorating and defaulted customers). */
  readonly deterioratesFrom: Day | null;
  /** Extra mean days late reached at the end of the ramp. */
  readonly deteriorationDays: number;
  /** From this day the customer stops paying (defaulted only). */
  readonly defaultDay: Day | null;
  /** Open balances of a defaulted customer are written off on this day. */
  readonly writeOffDay: Day | null;
  /** Probability that a payable invoice is paid in instalments. */
  readonly partialPropensity: number;
  /** Multiplier on the base rates of customer-raised disputes. */
  readonly disputePropensity: number;
  /** Pays on a weekly payment run (several invoices per payment) on this weekday, or null. */
  readonly paymentRunWeekday: number | null;
  /** Takes an offered early-payment discount. */
  readonly takesDiscount: boolean;
}

export type RemittanceQuality = 'good' | 'sloppy' | 'none';

export interface CustomerRecord {
  readonly index: number;
  readonly id: string;
  readonly name: string;
  readonly parentIndex: number | null;
  readonly segment: Segment;
  readonly industry: string;
  readonly country: string;
  readonly currency: string;
  readonly termsDays: number;
  readonly discountPct: number | null;
  readonly discountDays: number | null;
  readonly creditLimitCents: number;
  readonly collectorIndex: number;
  readonly contactName: string;
  readonly email: string;
  readonly phone: string;
  readonly createdDay: Day;
  readonly strategic: boolean;
  /** Ordering stops here (churn); null = active to the end. */
  readonly churnDay: Day | null;
  /** Expected orders per month before seasonality/trend. */
  readonly monthlyOrders: number;
  readonly medianOrderCents: number;
  readonly serviceShare: number;
  readonly requiresPo: boolean;
  readonly taxRate: number;
  /** The name the bank statement shows for this customer's own account. */
  readonly payerName: string;
  readonly bankAccount: string;
  readonly preferredMethod: PaymentMethod;
  readonly remittance: RemittanceQuality;
  /** Payments for this customer come from the parent's account. */
  readonly paidByParent: boolean;
  readonly behaviour: Behaviour;
}

export interface OrderRecord {
  readonly id: string;
  readonly customer: CustomerRecord;
  readonly day: Day;
  readonly amountCents: number;
  readonly poNumber: string | null;
  readonly expectedInvoiceDay: Day;
  readonly status: 'open' | 'invoiced';
  readonly promisedShipDay: Day;
  readonly shippedDay: Day | null;
  readonly shippedCents: number | null;
}

export interface InvoiceRecord {
  readonly id: string;
  readonly customer: CustomerRecord;
  readonly orderId: string | null;
  readonly poNumber: string | null;
  readonly day: Day;
  readonly dueDay: Day;
  readonly amountCents: number;
  readonly taxCents: number;
  readonly termsDays: number;
  readonly discountPct: number | null;
  readonly discountDays: number | null;
}

export interface PaymentRecord {
  readonly id: string;
  readonly customer: CustomerRecord;
  /** Whether the ERP already knows the customer (payments before the application cutoff). */
  readonly customerKnown: boolean;
  readonly day: Day;
  readonly valueDay: Day;
  readonly amountCents: number;
  readonly currency: string;
  readonly payerName: string;
  readonly reference: string;
  readonly remittanceText: string;
  readonly method: PaymentMethod;
  readonly bankAccount: string;
  readonly bankReference: string;
}

export interface ApplicationRecord {
  readonly paymentId: string;
  readonly invoiceId: string;
  readonly amountCents: number;
  readonly appliedDay: Day;
}

export interface CreditNoteRecord {
  readonly id: string;
  readonly customer: CustomerRecord;
  readonly invoiceId: string;
  readonly day: Day;
  readonly amountCents: number;
  readonly currency: string;
  readonly reason: string;
}

export interface DisputeRecord {
  readonly id: string;
  readonly invoiceId: string;
  readonly customer: CustomerRecord;
  readonly openedDay: Day;
  readonly amountCents: number;
  readonly cause: DisputeCause;
  readonly status: 'open' | 'in_review' | 'resolved' | 'rejected';
  readonly resolvedDay: Day | null;
  readonly resolution: 'credit_note' | 'rejected' | 'paid' | null;
  readonly owner: string;
  readonly note: string;
}

export interface PromiseRecord {
  readonly id: string;
  readonly customer: CustomerRecord;
  readonly invoiceId: string;
  readonly collectorId: string;
  readonly createdDay: Day;
  readonly promisedDay: Day;
  readonly amountCents: number;
  readonly currency: string;
  readonly status: 'open' | 'kept' | 'partially_kept' | 'broken';
}

export type ActivityType = 'call' | 'email' | 'letter' | 'note';

export interface ActivityRecord {
  readonly id: string;
  readonly customer: CustomerRecord;
  readonly invoiceId: string | null;
  readonly collectorId: string;
  readonly type: ActivityType;
  readonly day: Day;
  /** Seconds after midnight. */
  readonly secondOfDay: number;
  readonly outcome: string;
  readonly nextFollowUp: Day | null;
  readonly note: string;
}

export interface WriteOffRecord {
  readonly id: string;
  readonly invoiceId: string;
  readonly customer: CustomerRecord;
  readonly day: Day;
  readonly amountCents: number;
  readonly reason: string;
}

export type InvoiceOutcome = 'paid' | 'credited' | 'written_off' | 'unpaid';

export interface InvoiceOutcomeRecord {
  readonly invoice: InvoiceRecord;
  /** Day of the last payment that settled it, also when that day lies after the end date. */
  readonly paidDay: Day | null;
  /** Day the balance reached zero by any means (payment, credit note, write-off). */
  readonly settledDay: Day | null;
  readonly outcome: InvoiceOutcome;
  readonly paymentCount: number;
  readonly disputed: boolean;
}

/** Receives the generated records in business-date order; renderers implement it. */
export interface DemoSink {
  collector(r: CollectorRecord): void;
  customer(r: CustomerRecord, collector: CollectorRecord, parent: CustomerRecord | null): void;
  fxRate(r: FxRateRecord): void;
  order(r: OrderRecord): void;
  invoice(r: InvoiceRecord): void;
  payment(r: PaymentRecord): void;
  /** The true application of a payment to an invoice (ground truth, every payment). */
  trueApplication(r: ApplicationRecord): void;
  /** An application the ERP already recorded (payments before the cutoff only). */
  application(r: ApplicationRecord): void;
  creditNote(r: CreditNoteRecord): void;
  dispute(r: DisputeRecord): void;
  promise(r: PromiseRecord): void;
  activity(r: ActivityRecord): void;
  writeOff(r: WriteOffRecord): void;
  invoiceOutcome(r: InvoiceOutcomeRecord): void;
  customerBehaviour(r: CustomerRecord): void;
  close(): void;
}
