/**
 * Canonical receivables as Xero exports (profiles xero-invoices and xero-contacts). Xero names contacts,
 * so invoices carry the customer's name as ContactName and contacts.csv lists those names.
 */
import { appliedTotals, cents, csvText, formatAmount, formatDate, rowsOf, type CanonicalSet, type RenderedFile } from './format.ts';
import { formatMoney } from '../../../core/money.ts';

export const XERO_INVOICE_HEADER = [
  'ContactName', 'EmailAddress', 'POAddressLine1', 'POAddressLine2', 'POAddressLine3', 'POAddressLine4', 'POCity', 'PORegion',
  'POPostalCode', 'POCountry', 'SAAddressLine1', 'SAAddressLine2', 'SAAddressLine3', 'SAAddressLine4', 'SACity', 'SARegion',
  'SAPostalCode', 'SACountry', 'InvoiceNumber', 'Reference', 'InvoiceDate', 'DueDate', 'PlannedDate', 'Total', 'TaxTotal',
  'InvoiceAmountPaid', 'InvoiceAmountDue', 'InventoryItemCode', 'Description', 'Quantity', 'UnitAmount', 'Discount', 'LineAmount',
  'AccountCode', 'TaxType', 'TaxAmount', 'TrackingName1', 'TrackingOption1', 'TrackingName2', 'TrackingOption2', 'Currency', 'Type',
  'Sent', 'Status',
];

export const XERO_CONTACT_HEADER = [
  'ContactName', 'AccountNumber', 'EmailAddress', 'FirstName', 'LastName', 'POAttentionTo', 'POAddressLine1', 'POAddressLine2',
  'POAddressLine3', 'POAddressLine4', 'POCity', 'PORegion', 'POPostalCode', 'POCountry', 'SAAttentionTo', 'SAAddressLine1',
  'SAAddressLine2', 'SAAddressLine3', 'SAAddressLine4', 'SACity', 'SARegion', 'SAPostalCode', 'SACountry', 'PhoneNumber', 'FaxNumber',
  'MobileNumber', 'DDINumber', 'SkypeName', 'BankAccountName', 'BankAccountNumber', 'BankAccountParticulars', 'TaxNumber',
  'AccountsReceivableTaxCodeName', 'AccountsPayableTaxCodeName', 'Website', 'Discount', 'DueDateBillDay', 'DueDateBillTerm',
  'DueDateSalesDay', 'DueDateSalesTerm', 'SalesAccount', 'PurchasesAccount', 'TrackingName1', 'SalesTrackingOption1',
  'PurchasesTrackingOption1', 'TrackingName2', 'SalesTrackingOption2', 'PurchasesTrackingOption2', 'BrandingTheme',
  'DefaultTaxBills', 'DefaultTaxSales',
];

const UK = { decimal: '.', thousands: ',' } as const;
const date = (iso: string | undefined) => formatDate(iso ?? '', 'd/M/yyyy');

function record(header: readonly string[], values: Record<string, string>): string[] {
  return header.map((h) => values[h] ?? '');
}

export function renderXero(set: CanonicalSet): RenderedFile[] {
  const applied = appliedTotals(set);
  const customers = new Map(rowsOf(set, 'customers').map((c) => [c.customer_id ?? '', c]));
  const contact = (id: string | undefined) => customers.get(id ?? '')?.name || id || '';
  const invoices: string[][] = [];
  for (const i of rowsOf(set, 'invoices')) {
    const total = cents(i.amount);
    const tax = cents(i.tax_amount);
    const paid = (applied.byInvoice.get(i.invoice_id ?? '')?.cents ?? 0n) + (i.paid_date ? cents(i.paid_amount) : 0n);
    const due = total - paid;
    const net = formatMoney(total - tax);
    invoices.push(record(XERO_INVOICE_HEADER, {
      ContactName: contact(i.customer_id), EmailAddress: customers.get(i.customer_id ?? '')?.email ?? '',
      POCountry: customers.get(i.customer_id ?? '')?.country ?? '', InvoiceNumber: i.invoice_id ?? '', Reference: i.po_number ?? '',
      InvoiceDate: date(i.invoice_date), DueDate: date(i.due_date), Total: formatAmount(i.amount ?? '', UK),
      TaxTotal: formatAmount(formatMoney(tax), UK), InvoiceAmountPaid: formatAmount(formatMoney(paid), UK),
      InvoiceAmountDue: formatAmount(formatMoney(due), UK), Description: `Invoice ${i.invoice_id ?? ''}`, Quantity: '1',
      UnitAmount: formatAmount(net, UK), LineAmount: formatAmount(net, UK), AccountCode: '200', TaxAmount: formatAmount(formatMoney(tax), UK),
      Currency: i.currency ?? '', Type: 'Sales invoice', Sent: 'Sent', Status: due <= 0n ? 'Paid' : 'Awaiting Payment',
    }));
  }
  for (const c of rowsOf(set, 'credit_notes')) {
    const used = applied.byCreditNote.get(c.credit_note_id ?? '') ?? 0n;
    invoices.push(record(XERO_INVOICE_HEADER, {
      ContactName: contact(c.customer_id), InvoiceNumber: c.credit_note_id ?? '', Reference: c.reason ?? '', InvoiceDate: date(c.date),
      Total: formatAmount(c.amount ?? '', UK), TaxTotal: '0.00', InvoiceAmountPaid: formatAmount(formatMoney(used), UK),
      InvoiceAmountDue: formatAmount(formatMoney(cents(c.amount) - used), UK), Description: `Credit note ${c.credit_note_id ?? ''}`,
      Quantity: '1', UnitAmount: formatAmount(c.amount ?? '', UK), LineAmount: formatAmount(c.amount ?? '', UK), AccountCode: '200',
      Currency: c.currency ?? '', Type: 'Sales credit note', Status: cents(c.amount) - used <= 0n ? 'Paid' : 'Awaiting Payment',
    }));
  }
  const contacts = rowsOf(set, 'customers').map((c) => {
    const [first = '', ...rest] = (c.contact_name ?? '').split(' ');
    return record(XERO_CONTACT_HEADER, {
      ContactName: c.name ?? '', AccountNumber: c.customer_id ?? '', EmailAddress: c.email ?? '', FirstName: first, LastName: rest.join(' '),
      POCountry: c.country ?? '', PhoneNumber: c.phone ?? '', DueDateSalesDay: c.payment_terms_days ?? '',
      DueDateSalesTerm: c.payment_terms_days ? 'DAYSAFTERBILLDATE' : '', SalesAccount: '200',
    });
  });
  const files: RenderedFile[] = [];
  if (contacts.length > 0) files.push({ name: 'contacts.csv', content: csvText(XERO_CONTACT_HEADER, contacts, { eol: '\r\n' }) });
  files.push({ name: 'invoices.csv', content: csvText(XERO_INVOICE_HEADER, invoices, { eol: '\r\n' }) });
  return files;
}
