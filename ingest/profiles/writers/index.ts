/**
 * Writers rendering canonical records in each system's export layout, the inverse of the built-in
 * profiles: what `ar-intel demo --format …` emits, and what the round-trip tests feed back through ingest.
 */
import { renderNetsuite } from './netsuite.ts';
import { renderQuickbooks, renderQuickbooksInvoiceList } from './quickbooks.ts';
import { renderSalesforce } from './salesforce.ts';
import { renderSap } from './sap.ts';
import { renderXero } from './xero.ts';
import type { CanonicalSet, RenderedFile } from './format.ts';

export type { CanonicalRow, CanonicalSet, RenderedFile } from './format.ts';
export { renderNetsuite, renderQuickbooks, renderQuickbooksInvoiceList, renderSalesforce, renderSap, renderXero };

export const EXPORT_FORMATS = ['netsuite', 'sap', 'quickbooks', 'xero', 'salesforce'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Kinds each layout carries (everything else in the canonical set is not part of that export). */
export const FORMAT_KINDS: Readonly<Record<ExportFormat, readonly string[]>> = {
  netsuite: ['invoices', 'credit_notes', 'payments'],
  sap: ['invoices', 'credit_notes', 'payments'],
  quickbooks: ['invoices', 'credit_notes', 'payments'],
  xero: ['customers', 'invoices', 'credit_notes'],
  salesforce: ['customers', 'orders'],
};

export function renderFormat(format: ExportFormat, set: CanonicalSet): RenderedFile[] {
  switch (format) {
    case 'netsuite':
      return renderNetsuite(set);
    case 'sap':
      return renderSap(set);
    case 'quickbooks':
      // Both reports people export for receivables: the A/R Aging Detail (open items) and the Invoice List.
      return [...renderQuickbooks(set), renderQuickbooksInvoiceList(set)];
    case 'xero':
      return renderXero(set);
    case 'salesforce':
      return renderSalesforce(set);
  }
}
