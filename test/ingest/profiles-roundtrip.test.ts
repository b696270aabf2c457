/**
 * canonical → system layout (writers) → profile ingest → the same canonical rows, for every layout
 * `ar-intel demo --format` emits. Only the fields a layout carries are compared.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertFile } from '../../ingest/profiles/index.ts';
import { emitFormat } from '../../ingest/profiles/writers/emit.ts';
import { canonicalCsv } from '../../ingest/profiles/load.ts';
import { EXPORT_FORMATS, renderFormat, type CanonicalRow, type CanonicalSet, type ExportFormat } from '../../ingest/profiles/writers/index.ts';

const customers: CanonicalRow[] = [
  { customer_id: 'C001', name: 'Acme Industrial Supply', country: 'US', currency: 'USD', payment_terms_days: '30', credit_limit: '50000.00', segment: 'enterprise', industry: 'manufacturing', collector_id: 'K1', contact_name: 'Dana Ruiz', email: 'ap@acme.example', phone: '+1 555 0100', created_date: '2021-04-01' },
  { customer_id: 'C002', name: 'Birch & Sons, LLC', country: 'DE', currency: 'EUR', payment_terms_days: '14', credit_limit: '8000.00', segment: 'smb', industry: 'retail', collector_id: 'K2', parent_id: 'C001', contact_name: '', email: '', phone: '', created_date: '2022-11-15' },
];
const invoices: CanonicalRow[] = [
  { invoice_id: 'INV-1001', customer_id: 'C001', invoice_date: '2026-01-05', due_date: '2026-02-04', amount: '12500.00', tax_amount: '0.00', currency: 'USD', po_number: 'PO-7781', terms_days: '30' },
  { invoice_id: 'INV-1002', customer_id: 'C002', invoice_date: '2026-01-20', due_date: '2026-02-03', amount: '1234567.89', tax_amount: '197117.89', currency: 'EUR', po_number: '', terms_days: '15' },
  { invoice_id: 'INV-1003', customer_id: 'C001', invoice_date: '2026-02-27', due_date: '2026-03-29', amount: '0.99', tax_amount: '0.00', currency: 'USD', po_number: 'PO "quoted", with comma', terms_days: '30' },
];
const creditNotes: CanonicalRow[] = [{ credit_note_id: 'CN-501', customer_id: 'C001', date: '2026-01-20', amount: '450.00', currency: 'USD', reason: 'Damaged pallets' }];
const payments: CanonicalRow[] = [
  { payment_id: 'PAY-9001', customer_id: 'C002', payer_name: 'C002', received_date: '2026-02-06', amount: '3240.50', currency: 'EUR', reference: 'TRX 55', remittance_text: 'on account' },
];
const orders: CanonicalRow[] = [
  { order_id: 'SO-1', customer_id: 'C001', order_date: '2025-12-20', amount: '12500.00', currency: 'USD', po_number: 'PO-7781', status: 'invoiced' },
  { order_id: 'SO-2', customer_id: 'C002', order_date: '2026-02-25', amount: '99.50', currency: 'EUR', po_number: '', status: 'open' },
];
const SET: CanonicalSet = { customers, invoices, credit_notes: creditNotes, payments, orders };

function pick(rows: readonly CanonicalRow[], fields: readonly string[]): Record<string, string>[] {
  return rows.map((r) => Object.fromEntries(fields.map((f) => [f, r[f] ?? ''])));
}

async function roundTrip(format: ExportFormat, set: CanonicalSet): Promise<Map<string, Record<string, string>[]>> {
  const dir = mkdtempSync(join(tmpdir(), `ar-intel-rt-${format}-`));
  try {
    const out = new Map<string, Record<string, string>[]>();
    for (const file of renderFormat(format, set)) {
      const path = join(dir, file.name);
      writeFileSync(path, file.content);
      const conv = await convertFile(path); // the profile is detected from the headers the writer produced
      expect(conv.rejected, `${format}/${file.name}`).toEqual([]);
      for (const [kind, records] of conv.records) out.set(kind, [...(out.get(kind) ?? []), ...records.map((r) => r.values)]);
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const sortBy = (key: string) => (rows: Record<string, string>[]) => [...rows].sort((a, b) => ((a[key] ?? '') < (b[key] ?? '') ? -1 : 1));

describe('writers round-trip through the profiles', () => {
  it('covers every demo format', () => {
    expect([...EXPORT_FORMATS]).toEqual(['netsuite', 'sap', 'quickbooks', 'xero', 'salesforce']);
  });

  it('netsuite', async () => {
    const back = await roundTrip('netsuite', SET);
    expect(sortBy('invoice_id')(pick(back.get('invoices') ?? [], ['invoice_id', 'customer_id', 'invoice_date', 'due_date', 'amount', 'currency', 'po_number']))).toEqual(
      pick(invoices, ['invoice_id', 'customer_id', 'invoice_date', 'due_date', 'amount', 'currency', 'po_number']),
    );
    expect(pick(back.get('invoices') ?? [], ['invoice_id', 'terms_days']).find((r) => r.invoice_id === 'INV-1001')?.terms_days).toBe('30');
    expect(pick(back.get('credit_notes') ?? [], ['credit_note_id', 'customer_id', 'date', 'amount', 'currency', 'reason'])).toEqual(
      pick(creditNotes, ['credit_note_id', 'customer_id', 'date', 'amount', 'currency', 'reason']),
    );
    expect(pick(back.get('payments') ?? [], ['payment_id', 'customer_id', 'received_date', 'amount', 'currency', 'reference', 'remittance_text'])).toEqual(
      pick(payments, ['payment_id', 'customer_id', 'received_date', 'amount', 'currency', 'reference', 'remittance_text']),
    );
  });

  it('sap, including an invoice cleared by an applied payment', async () => {
    const fields = ['invoice_id', 'customer_id', 'invoice_date', 'due_date', 'amount', 'currency', 'po_number'];
    const back = await roundTrip('sap', SET);
    expect(sortBy('invoice_id')(pick(back.get('invoices') ?? [], fields))).toEqual(pick(invoices, fields));
    expect(pick(back.get('credit_notes') ?? [], ['credit_note_id', 'customer_id', 'date', 'amount', 'currency', 'reason'])).toEqual(
      pick(creditNotes, ['credit_note_id', 'customer_id', 'date', 'amount', 'currency', 'reason']),
    );
    expect(pick(back.get('payments') ?? [], ['payment_id', 'customer_id', 'received_date', 'amount', 'currency', 'reference', 'remittance_text'])).toEqual(
      pick(payments, ['payment_id', 'customer_id', 'received_date', 'amount', 'currency', 'reference', 'remittance_text']),
    );
    // A payment applied in full to an invoice: the invoice comes back cleared, the cleared DZ is not a second payment.
    const paid = await roundTrip('sap', {
      ...SET,
      payments: [...payments, { payment_id: 'PAY-9002', customer_id: 'C001', payer_name: '', received_date: '2026-02-03', amount: '12500.00', currency: 'USD', reference: '' }],
      applications: [{ payment_id: 'PAY-9002', invoice_id: 'INV-1001', amount: '12500.00', applied_date: '2026-02-03' }],
    });
    expect(paid.get('invoices')?.find((r) => r.invoice_id === 'INV-1001')).toMatchObject({ paid_date: '2026-02-03', paid_amount: '12500.00' });
    expect(paid.get('payments')?.map((p) => p.payment_id)).toEqual(['PAY-9001']);
  });

  it('quickbooks (open items on the as-of date; one home currency, so no currency column)', async () => {
    const fields = ['invoice_id', 'customer_id', 'invoice_date', 'due_date', 'amount'];
    const back = await roundTrip('quickbooks', SET);
    // Two reports: the A/R Aging Detail and the Invoice List each carry every open invoice.
    const both = pick(back.get('invoices') ?? [], fields);
    expect(both).toHaveLength(2 * invoices.length);
    expect(sortBy('invoice_id')([...new Map(both.map((r) => [r.invoice_id, r])).values()])).toEqual(pick(invoices, fields));
    expect(sortBy('invoice_id')(both.slice(invoices.length))).toEqual(sortBy('invoice_id')(both.slice(0, invoices.length)));
    expect(pick(back.get('credit_notes') ?? [], ['credit_note_id', 'customer_id', 'date', 'amount'])).toEqual(pick(creditNotes, ['credit_note_id', 'customer_id', 'date', 'amount']));
    expect(pick(back.get('payments') ?? [], ['payment_id', 'customer_id', 'received_date', 'amount'])).toEqual(pick(payments, ['payment_id', 'customer_id', 'received_date', 'amount']));
    // A fully paid invoice is not on an aging report, and the Invoice List's paid-off rows are skipped.
    const paid = await roundTrip('quickbooks', { ...SET, applications: [{ payment_id: 'PAY-9001', invoice_id: 'INV-1002', amount: '1234567.89', applied_date: '2026-02-06' }] });
    expect(paid.get('invoices')?.map((r) => r.invoice_id).sort()).toEqual(['INV-1001', 'INV-1001', 'INV-1003', 'INV-1003']);
  });

  it('xero (contacts are named, so ids come back as customer names)', async () => {
    const back = await roundTrip('xero', SET);
    const nameOf = new Map(customers.map((c) => [c.customer_id, c.name]));
    const byName = (rows: readonly CanonicalRow[]) => rows.map((r) => ({ ...r, customer_id: nameOf.get(r.customer_id ?? '') ?? '' }));
    const fields = ['invoice_id', 'customer_id', 'invoice_date', 'due_date', 'amount', 'tax_amount', 'currency', 'po_number'];
    expect(sortBy('invoice_id')(pick(back.get('invoices') ?? [], fields))).toEqual(pick(byName(invoices), fields));
    expect(pick(back.get('credit_notes') ?? [], ['credit_note_id', 'customer_id', 'date', 'amount', 'currency', 'reason'])).toEqual(
      pick(byName(creditNotes), ['credit_note_id', 'customer_id', 'date', 'amount', 'currency', 'reason']),
    );
    expect(pick(back.get('customers') ?? [], ['customer_id', 'name', 'country', 'payment_terms_days', 'contact_name', 'email', 'phone'])).toEqual(
      customers.map((c) => ({ customer_id: c.name, name: c.name, country: c.country, payment_terms_days: c.payment_terms_days, contact_name: c.contact_name, email: c.email, phone: c.phone })),
    );
  });

  it('salesforce', async () => {
    const back = await roundTrip('salesforce', SET);
    const cf = ['customer_id', 'name', 'parent_id', 'country', 'currency', 'segment', 'industry', 'phone', 'created_date'];
    expect(pick(back.get('customers') ?? [], cf)).toEqual(pick(customers, cf));
    const of = ['order_id', 'customer_id', 'order_date', 'amount', 'currency', 'po_number', 'status'];
    expect(pick(back.get('orders') ?? [], of)).toEqual(pick(orders, of));
  });
});

describe('emitting a canonical file set in a system layout (demo --format)', () => {
  it('reads <kind>.csv files and writes the layout files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ar-intel-emit-'));
    try {
      const files = Object.entries(SET).map(([kind, rows]) => {
        const path = join(dir, `${kind}.csv`);
        const records = (rows ?? []).map((values, k) => ({ kind, line: k + 2, values: { ...values }, columns: {} }));
        writeFileSync(path, canonicalCsv(kind, records, false));
        return path;
      });
      const written = emitFormat('xero', files, join(dir, 'xero'));
      expect(written.map((p) => p.slice(dir.length + 1))).toEqual(['xero/contacts.csv', 'xero/invoices.csv']);
      const back = await convertFile(join(dir, 'xero', 'invoices.csv'));
      expect(back.records.get('invoices')?.map((r) => r.values.invoice_id)).toEqual(['INV-1001', 'INV-1002', 'INV-1003']);
      expect(back.records.get('invoices')?.[2]?.values.po_number).toBe('PO "quoted", with comma');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
