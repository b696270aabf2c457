/**
 * The canonical CSV layout, one entry per kind: columns (required first, then optional), their types,
 * the warehouse table and the natural key a corrected re-export is matched on. docs/data-format.md
 * describes the same layout for people; keep the two in step.
 */

export type ColumnType =
  | 'id' // identifier: any text, surrounding spaces removed
  | 'text'
  | 'date' // YYYY-MM-DD, a real calendar date
  | 'timestamp' // YYYY-MM-DDTHH:MM[:SS] (a plain date means midnight)
  | 'money' // exact decimal, at most 2 places, '.' as separator
  | 'money_nonneg'
  | 'rate' // exact decimal > 0, at most 8 places
  | 'pct' // 0..100, at most 2 places
  | 'int_nonneg'
  | 'bool' // true / false
  | 'currency' // three letters, stored upper-case
  | 'enum';

export interface ColumnSpec {
  readonly name: string;
  readonly type: ColumnType;
  readonly required: boolean;
  /** Warehouse column when it differs from the CSV column name. */
  readonly target?: string;
  /** Allowed values for 'enum' columns. */
  readonly values?: readonly string[];
  /** Value stored when the cell is empty and the warehouse column is NOT NULL with a default. */
  readonly emptyDefault?: string;
  /** Not a warehouse column of this kind's table: used to derive other records (invoices.paid_date…). */
  readonly derived?: boolean;
}

export interface KindSpec {
  readonly kind: string;
  readonly table: string;
  /** Natural key (CSV column names) a re-export is matched on. */
  readonly key: readonly string[];
  readonly columns: readonly ColumnSpec[];
}

export const DISPUTE_CAUSES = [
  'pricing',
  'short_shipment',
  'damaged_goods',
  'missing_po',
  'duplicate_billing',
  'tax',
  'service_not_rendered',
  'unspecified',
] as const;
export const DISPUTE_STATUSES = ['open', 'in_review', 'resolved', 'rejected'] as const;
export const PROMISE_STATUSES = ['open', 'kept', 'partially_kept', 'broken', 'cancelled'] as const;
export const ACTIVITY_TYPES = ['call', 'email', 'letter', 'note'] as const;

const req = (name: string, type: ColumnType, extra: Partial<ColumnSpec> = {}): ColumnSpec => ({
  name,
  type,
  required: true,
  ...extra,
});
const opt = (name: string, type: ColumnType, extra: Partial<ColumnSpec> = {}): ColumnSpec => ({
  name,
  type,
  required: false,
  ...extra,
});

export const KINDS: readonly KindSpec[] = [
  {
    kind: 'collectors',
    table: 'collectors',
    key: ['collector_id'],
    columns: [
      req('collector_id', 'id'),
      req('name', 'text'),
      opt('daily_capacity', 'int_nonneg', { emptyDefault: '40' }),
      opt('email', 'text'),
    ],
  },
  {
    kind: 'fx_rates',
    table: 'fx_rates',
    key: ['rate_date', 'currency', 'base_currency'],
    columns: [req('rate_date', 'date'), req('currency', 'currency'), req('base_currency', 'currency'), req('rate', 'rate')],
  },
  {
    kind: 'customers',
    table: 'customers',
    key: ['customer_id'],
    columns: [
      req('customer_id', 'id'),
      req('name', 'text'),
      req('country', 'text'),
      req('currency', 'currency'),
      req('payment_terms_days', 'int_nonneg'),
      req('credit_limit', 'money_nonneg'),
      req('segment', 'text'),
      req('industry', 'text'),
      req('collector_id', 'id'),
      opt('parent_id', 'id'),
      opt('discount_pct', 'pct'),
      opt('discount_days', 'int_nonneg'),
      opt('contact_name', 'text'),
      opt('email', 'text'),
      opt('phone', 'text'),
      opt('created_date', 'date'),
      opt('strategic', 'bool', { emptyDefault: 'false' }),
    ],
  },
  {
    kind: 'orders',
    table: 'orders',
    key: ['order_id'],
    columns: [
      req('order_id', 'id'),
      req('customer_id', 'id'),
      req('order_date', 'date'),
      req('amount', 'money'),
      req('currency', 'currency'),
      opt('po_number', 'text'),
      opt('expected_invoice_date', 'date'),
      opt('status', 'text'),
      opt('promised_ship_date', 'date'),
      opt('shipped_date', 'date'),
      opt('shipped_amount', 'money'),
    ],
  },
  {
    kind: 'invoices',
    table: 'invoices',
    key: ['invoice_id'],
    columns: [
      req('invoice_id', 'id'),
      req('customer_id', 'id'),
      req('invoice_date', 'date'),
      req('due_date', 'date'),
      req('amount', 'money'),
      req('currency', 'currency'),
      opt('order_id', 'id'),
      opt('po_number', 'text'),
      opt('tax_amount', 'money'),
      opt('terms_days', 'int_nonneg'),
      opt('discount_pct', 'pct'),
      opt('discount_days', 'int_nonneg'),
      opt('paid_date', 'date', { derived: true }),
      opt('paid_amount', 'money', { derived: true }),
      opt('disputed', 'bool', { derived: true }),
    ],
  },
  {
    kind: 'credit_notes',
    table: 'credit_notes',
    key: ['credit_note_id'],
    columns: [
      req('credit_note_id', 'id'),
      req('customer_id', 'id'),
      req('date', 'date', { target: 'credit_date' }),
      req('amount', 'money_nonneg'),
      req('currency', 'currency'),
      opt('invoice_id', 'id'),
      opt('reason', 'text'),
    ],
  },
  {
    kind: 'payments',
    table: 'payments',
    key: ['payment_id'],
    columns: [
      req('payment_id', 'id'),
      req('received_date', 'date'),
      req('amount', 'money'),
      req('currency', 'currency'),
      // Required as columns (the export must carry them) but a cell may be empty: unidentified cash is normal.
      req('payer_name', 'text'),
      req('reference', 'text'),
      opt('customer_id', 'id'),
      opt('value_date', 'date'),
      opt('method', 'text'),
      opt('remittance_text', 'text'),
      opt('bank_account', 'text'),
      opt('bank_reference', 'text'),
    ],
  },
  {
    kind: 'applications',
    table: 'payment_applications',
    key: ['payment_id', 'invoice_id', 'credit_note_id'],
    columns: [
      req('payment_id', 'id'),
      req('invoice_id', 'id'),
      req('amount', 'money'),
      req('applied_date', 'date'),
      opt('credit_note_id', 'id'),
    ],
  },
  {
    kind: 'disputes',
    table: 'disputes',
    key: ['dispute_id'],
    columns: [
      req('dispute_id', 'id'),
      req('invoice_id', 'id'),
      req('opened_date', 'date'),
      req('amount', 'money'),
      req('cause', 'enum', { values: DISPUTE_CAUSES }),
      opt('status', 'enum', { values: DISPUTE_STATUSES, emptyDefault: 'open' }),
      opt('resolved_date', 'date'),
      opt('resolution', 'text'),
      opt('customer_id', 'id'),
      opt('owner', 'text'),
      opt('note', 'text'),
    ],
  },
  {
    kind: 'promises',
    table: 'promises_to_pay',
    key: ['promise_id'],
    columns: [
      req('promise_id', 'id'),
      req('customer_id', 'id'),
      req('created_date', 'date'),
      req('promised_date', 'date'),
      req('amount', 'money'),
      opt('invoice_id', 'id'),
      opt('collector_id', 'id'),
      opt('currency', 'currency'),
      opt('status', 'enum', { values: PROMISE_STATUSES, emptyDefault: 'open' }),
      opt('note', 'text'),
    ],
  },
  {
    kind: 'activities',
    table: 'activities',
    key: ['activity_id'],
    columns: [
      req('activity_id', 'id'),
      req('customer_id', 'id'),
      req('activity_type', 'enum', { values: ACTIVITY_TYPES }),
      req('activity_at', 'timestamp'),
      opt('invoice_id', 'id'),
      opt('collector_id', 'id'),
      opt('outcome', 'text'),
      opt('next_follow_up', 'date'),
      opt('note', 'text'),
    ],
  },
  {
    kind: 'write_offs',
    table: 'write_offs',
    key: ['write_off_id'],
    columns: [
      req('write_off_id', 'id'),
      req('invoice_id', 'id'),
      req('write_off_date', 'date'),
      req('amount', 'money_nonneg'),
      opt('customer_id', 'id'),
      opt('reason', 'text'),
    ],
  },
];

/** Load order when several files are given: referenced records before the records that reference them. */
export const LOAD_ORDER: readonly string[] = [
  'collectors',
  'fx_rates',
  'customers',
  'orders',
  'invoices',
  'credit_notes',
  'payments',
  'applications',
  'disputes',
  'promises',
  'activities',
  'write_offs',
];

/**
 * Optional column accepted in every kind: the line of the ORIGINAL source a row came from, for
 * connectors (ERP profiles) that convert another export into canonical CSV before loading it.
 */
export const SOURCE_LINE_COLUMN = 'source_line';

/**
 * Columns whose header is required but whose cells may be empty (everything else that is required must
 * have a value). applications: invoice_id may be empty when credit_note_id is given.
 */
export const EMPTY_ALLOWED: Readonly<Record<string, readonly string[]>> = {
  payments: ['payer_name', 'reference'],
  applications: ['invoice_id'],
};

const BY_KIND = new Map(KINDS.map((k) => [k.kind, k]));

export function kindSpec(kind: string): KindSpec | undefined {
  return BY_KIND.get(kind);
}

export function kindNames(): string[] {
  return KINDS.map((k) => k.kind);
}

export function loadOrderIndex(kind: string): number {
  const i = LOAD_ORDER.indexOf(kind);
  return i === -1 ? LOAD_ORDER.length : i;
}
