/**
 * Records implied by other records:
 * - invoices.paid_date + paid_amount (cleared-item exports carry only a settlement) → payment
 *   `PAID-<invoice_id>` (method 'cleared-item') and its application (method 'imported'), upserted so a
 *   re-load or a corrected re-export never counts the cash twice;
 * - invoices.disputed = true with no dispute for the invoice → dispute `DISP-<invoice_id>`, cause
 *   'unspecified', opened on the invoice date for the invoice amount (the export says no more);
 * - a real dispute loaded later for such an invoice replaces that placeholder, so the invoice is not
 *   disputed twice.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { importedApplicationIdSql, mergeInto } from './merge.ts';

/** Marks disputes the loader opened itself, so a real dispute for the invoice can replace them. */
export const PLACEHOLDER_DISPUTE_NOTE = 'opened by the loader: invoice exported as disputed without a dispute record';

/**
 * SQL (over the staged row s) that holds when what a row implies is already stored, so a re-export that
 * only changes paid_date/paid_amount/disputed counts the invoice as updated rather than duplicate.
 */
export function derivedAlreadyStoredSql(kind: string, present: ReadonlySet<string>): string | undefined {
  if (kind !== 'invoices') return undefined;
  const parts: string[] = [];
  if (present.has('paid_date') && present.has('paid_amount')) {
    parts.push(`(s.paid_date is null or exists (
      select 1 from payments p where p.payment_id = 'PAID-' || s.invoice_id and p.received_date = s.paid_date
        and p.amount = s.paid_amount and p.currency = s.currency and p.customer_id is not distinct from s.customer_id))`);
  }
  if (present.has('disputed')) {
    parts.push('(s.disputed is not true or exists (select 1 from disputes d where d.invoice_id = s.invoice_id))');
  }
  return parts.length > 0 ? parts.join(' and ') : undefined;
}

export interface DerivedCounts {
  notes: string[];
}

export async function applyDerivedRecords(
  conn: DuckDBConnection,
  kind: string,
  stg: string,
  present: ReadonlySet<string>,
  run: { loadRunId: string; fileName: string; profile?: string | null },
): Promise<DerivedCounts> {
  const notes: string[] = [];
  if (kind === 'invoices') {
    if (present.has('paid_date') && present.has('paid_amount')) {
      const paid = `${stg}_paid`;
      await conn.run(
        `create temp view ${paid} as
         select 'PAID-' || invoice_id as payment_id, customer_id, paid_date as received_date, paid_amount as amount,
                currency, 'cleared-item' as method, __line,
                ${importedApplicationIdSql(`('PAID-' || invoice_id)`, 'invoice_id', 'null')} as application_id,
                invoice_id, paid_date as applied_date
         from ${stg} where paid_date is not null`,
      );
      const payments = await mergeInto(conn, {
        table: 'payments',
        key: ['payment_id'],
        columns: ['customer_id', 'received_date', 'amount', 'currency', 'method'],
        constants: { source: run.profile ?? 'canonical' },
        source: paid,
        fileName: run.fileName,
        loadRunId: run.loadRunId,
      });
      await mergeInto(conn, {
        table: 'payment_applications',
        key: ['application_id'],
        columns: ['payment_id', 'invoice_id', 'amount', 'applied_date', 'method'],
        source: `(select application_id, payment_id, invoice_id, amount, applied_date, 'imported' as method, __line from ${paid})`,
        fileName: run.fileName,
        loadRunId: run.loadRunId,
      });
      await conn.run(`drop view ${paid}`);
      const changed = payments.inserted + payments.updated;
      if (changed > 0) {
        notes.push(
          `recorded ${payments.inserted} new and ${payments.updated} changed cleared-item payment(s) PAID-<invoice_id> with their applications`,
        );
      }
    }
    if (present.has('disputed')) {
      const reader = await conn.runAndReadAll(
        `insert into disputes (dispute_id, invoice_id, customer_id, opened_date, amount, cause, status, note,
                               source_file, source_line, load_run_id)
         select 'DISP-' || s.invoice_id, s.invoice_id, s.customer_id, s.invoice_date, s.amount, 'unspecified', 'open', $1,
                $2, s.__line, $3::bigint
         from ${stg} s
         where s.disputed and not exists (select 1 from disputes d where d.invoice_id = s.invoice_id)
         returning 1`,
        [PLACEHOLDER_DISPUTE_NOTE, run.fileName, run.loadRunId],
      );
      const opened = reader.getRowObjectsJson().length;
      if (opened > 0) notes.push(`opened ${opened} dispute(s) DISP-<invoice_id> with cause 'unspecified' for invoices marked disputed`);
    }
  }
  if (kind === 'disputes') {
    const reader = await conn.runAndReadAll(
      `delete from disputes d
       where d.dispute_id = 'DISP-' || d.invoice_id and d.note = $1
         and d.invoice_id in (select s.invoice_id from ${stg} s where s.dispute_id <> 'DISP-' || s.invoice_id)
       returning 1`,
      [PLACEHOLDER_DISPUTE_NOTE],
    );
    const replaced = reader.getRowObjectsJson().length;
    if (replaced > 0) notes.push(`replaced ${replaced} placeholder dispute(s) opened from invoices marked disputed`);
  }
  return { notes };
}
