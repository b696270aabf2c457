/**
 * What was known about an invoice's outcome at a knowledge cutoff C, for an invoice open at snapshot s:
 * - late: paid after its due date (a write-off counts as never paid, so late). Known once it closed by
 *   C, or once its due date passed before C while it stayed open.
 * - late30: not settled by payment within 30 days after the due date (paid later, or written off, or
 *   still open). Known once it closed by C, or once due date + 30 passed before C.
 * - daysLate / daysToPay: only for invoices closed by payment by C.
 * Anything not yet decided at C is null, and training/evaluation drop it for that target.
 */
import { addDays, daysBetween } from '../core/as-of.ts';
import type { InvoiceFeatureRow } from './features/load.ts';

export interface Outcome {
  readonly late: 0 | 1 | null;
  readonly late30: 0 | 1 | null;
  readonly writtenOff: 0 | 1 | null;
  readonly daysLate: number | null;
  readonly daysToPay: number | null;
  readonly payDate: string | null;
}

export function outcomeAt(r: InvoiceFeatureRow, knownAt: string): Outcome {
  const close = r.outcomeCloseDate !== null && r.outcomeCloseDate <= knownAt ? r.outcomeCloseDate : null;
  const wo = r.outcomeFirstWoDate !== null && r.outcomeFirstWoDate <= knownAt ? r.outcomeFirstWoDate : null;
  const writtenOff = wo !== null && (close === null || wo <= close);
  if (close !== null && !writtenOff) {
    const dl = daysBetween(r.dueDate, close);
    return { late: dl > 0 ? 1 : 0, late30: dl > 30 ? 1 : 0, writtenOff: 0, daysLate: dl, daysToPay: daysBetween(r.invoiceDate, close), payDate: close };
  }
  if (writtenOff) return { late: 1, late30: 1, writtenOff: 1, daysLate: null, daysToPay: null, payDate: null };
  return {
    late: r.dueDate < knownAt ? 1 : null,
    late30: addDays(r.dueDate, 30) < knownAt ? 1 : null,
    writtenOff: null,
    daysLate: null,
    daysToPay: null,
    payDate: null,
  };
}
