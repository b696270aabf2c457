/**
 * The canonical CSV contract as the profiles see it: which fields each kind has, which are required
 * and what type their text must have. A profile's output is validated against this before anything
 * reaches the loader, so a mapping typo is reported with the profile's JSON path, not as a load error.
 */
export type FieldType = 'text' | 'date' | 'timestamp' | 'decimal' | 'integer' | 'boolean';

export interface KindSpec {
  readonly required: readonly string[];
  readonly optional: readonly string[];
  readonly types: Readonly<Record<string, FieldType>>;
}

function kind(required: string[], optional: string[], types: Record<string, FieldType>): KindSpec {
  return { required, optional, types };
}

export const CANONICAL_KINDS = {
  collectors: kind(['collector_id', 'name'], ['daily_capacity', 'email'], { daily_capacity: 'integer' }),
  customers: kind(
    ['customer_id', 'name', 'country', 'currency', 'payment_terms_days', 'credit_limit', 'segment', 'industry', 'collector_id'],
    ['parent_id', 'discount_pct', 'discount_days', 'contact_name', 'email', 'phone', 'created_date', 'strategic'],
    {
      payment_terms_days: 'integer',
      credit_limit: 'decimal',
      discount_pct: 'decimal',
      discount_days: 'integer',
      created_date: 'date',
      strategic: 'boolean',
    },
  ),
  orders: kind(
    ['order_id', 'customer_id', 'order_date', 'amount', 'currency'],
    ['po_number', 'expected_invoice_date', 'status', 'promised_ship_date', 'shipped_date', 'shipped_amount'],
    {
      order_date: 'date',
      amount: 'decimal',
      expected_invoice_date: 'date',
      promised_ship_date: 'date',
      shipped_date: 'date',
      shipped_amount: 'decimal',
    },
  ),
  invoices: kind(
    ['invoice_id', 'customer_id', 'invoice_date', 'due_date', 'amount', 'currency'],
    ['order_id', 'po_number', 'tax_amount', 'terms_days', 'discount_pct', 'discount_days', 'paid_date', 'paid_amount', 'disputed'],
    {
      invoice_date: 'date',
      due_date: 'date',
      amount: 'decimal',
      tax_amount: 'decimal',
      terms_days: 'integer',
      discount_pct: 'decimal',
      discount_days: 'integer',
      paid_date: 'date',
      paid_amount: 'decimal',
      disputed: 'boolean',
    },
  ),
  payments: kind(
    ['payment_id', 'received_date', 'amount', 'currency', 'payer_name', 'reference'],
    ['customer_id', 'value_date', 'method', 'remittance_text', 'bank_account', 'bank_reference'],
    { received_date: 'date', amount: 'decimal', value_date: 'date' },
  ),
  applications: kind(['payment_id', 'invoice_id', 'amount', 'applied_date'], ['credit_note_id'], {
    amount: 'decimal',
    applied_date: 'date',
  }),
  credit_notes: kind(['credit_note_id', 'customer_id', 'date', 'amount', 'currency'], ['invoice_id', 'reason'], {
    date: 'date',
    amount: 'decimal',
  }),
  disputes: kind(
    ['dispute_id', 'invoice_id', 'opened_date', 'amount', 'cause'],
    ['status', 'resolved_date', 'resolution', 'customer_id', 'owner', 'note'],
    { opened_date: 'date', amount: 'decimal', resolved_date: 'date' },
  ),
  promises: kind(
    ['promise_id', 'customer_id', 'created_date', 'promised_date', 'amount'],
    ['invoice_id', 'collector_id', 'currency', 'status', 'note'],
    { created_date: 'date', promised_date: 'date', amount: 'decimal' },
  ),
  activities: kind(
    ['activity_id', 'customer_id', 'activity_type', 'activity_at'],
    ['invoice_id', 'collector_id', 'outcome', 'next_follow_up', 'note'],
    { activity_at: 'timestamp', next_follow_up: 'date' },
  ),
  write_offs: kind(['write_off_id', 'invoice_id', 'write_off_date', 'amount'], ['customer_id', 'reason'], {
    write_off_date: 'date',
    amount: 'decimal',
  }),
  fx_rates: kind(['rate_date', 'currency', 'base_currency', 'rate'], [], { rate_date: 'date', rate: 'decimal' }),
} as const satisfies Record<string, KindSpec>;

export type CanonicalKind = keyof typeof CANONICAL_KINDS;
export const CANONICAL_KIND_NAMES = Object.keys(CANONICAL_KINDS) as CanonicalKind[];

/** Load order of the canonical contract: referenced entities before the rows that point at them. */
export const LOAD_ORDER: readonly CanonicalKind[] = [
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

export function isCanonicalKind(name: string): name is CanonicalKind {
  return Object.hasOwn(CANONICAL_KINDS, name);
}

export function fieldsOf(k: CanonicalKind): string[] {
  const spec: KindSpec = CANONICAL_KINDS[k];
  return [...spec.required, ...spec.optional];
}

export function fieldType(k: CanonicalKind, field: string): FieldType {
  const spec: KindSpec = CANONICAL_KINDS[k];
  return spec.types[field] ?? 'text';
}
