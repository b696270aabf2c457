/**
 * The CSV of `ar-intel score`: one row per invoice open at the as-of date, columns exactly
 * invoice_id, customer_id, pLate, pLate30, daysToPayP10, daysToPayP50, daysToPayP90, expectedPayDate,
 * reasons (the three reason texts joined by " | "). Rows sorted by invoice id so two runs diff cleanly.
 */
import type { InvoiceScore } from './delinquency.ts';

export const SCORE_CSV_COLUMNS = ['invoice_id', 'customer_id', 'pLate', 'pLate30', 'daysToPayP10', 'daysToPayP50', 'daysToPayP90', 'expectedPayDate', 'reasons'] as const;

function cell(v: string | number): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function scoresToCsv(scores: readonly InvoiceScore[]): string {
  const rows = [...scores]
    .sort((a, b) => (a.invoiceId < b.invoiceId ? -1 : a.invoiceId > b.invoiceId ? 1 : 0))
    .map((s) =>
      [s.invoiceId, s.customerId, s.pLate.toFixed(4), s.pLate30.toFixed(4), s.daysToPayP10, s.daysToPayP50, s.daysToPayP90, s.expectedPayDate, s.reasons.map((r) => r.text).join(' | ')]
        .map(cell)
        .join(','),
    );
  return [SCORE_CSV_COLUMNS.join(','), ...rows].join('\n') + '\n';
}
