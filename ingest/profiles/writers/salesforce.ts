/** Canonical customers and orders as Salesforce Data Loader exports (profiles salesforce-accounts, salesforce-orders). */
import { csvText, rowsOf, type CanonicalSet, type RenderedFile } from './format.ts';

export const SALESFORCE_ACCOUNT_HEADER = ['Id', 'Name', 'AccountNumber', 'ParentId', 'Type', 'Industry', 'BillingCountry', 'CurrencyIsoCode', 'Phone', 'CreatedDate'];
export const SALESFORCE_ORDER_HEADER = ['Id', 'AccountId', 'OrderNumber', 'EffectiveDate', 'Status', 'TotalAmount', 'CurrencyIsoCode', 'PoNumber'];

const STATUS: Record<string, string> = { booked: 'Activated', draft: 'Draft' };

export function renderSalesforce(set: CanonicalSet): RenderedFile[] {
  const accounts = rowsOf(set, 'customers').map((c) => [
    c.customer_id ?? '', c.name ?? '', '', c.parent_id ?? '', c.segment ?? '', c.industry ?? '', c.country ?? '', c.currency ?? '', c.phone ?? '',
    c.created_date ? `${c.created_date}T00:00:00.000Z` : '',
  ]);
  const orders = rowsOf(set, 'orders').map((o, k) => [
    `801${String(k + 1).padStart(15, '0')}`, o.customer_id ?? '', o.order_id ?? '', o.order_date ?? '', STATUS[o.status ?? ''] ?? o.status ?? '',
    o.amount ?? '', o.currency ?? '', o.po_number ?? '',
  ]);
  const files: RenderedFile[] = [];
  if (accounts.length > 0) files.push({ name: 'accounts.csv', content: csvText(SALESFORCE_ACCOUNT_HEADER, accounts, { quoteAll: true }) });
  if (orders.length > 0) files.push({ name: 'orders.csv', content: csvText(SALESFORCE_ORDER_HEADER, orders, { quoteAll: true }) });
  return files;
}
