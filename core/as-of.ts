/**
 * The as-of date is always explicit: models and scores receive it, SQL never reads the clock.
 * Commands without --as-of use the latest business date present in the warehouse.
 */
import { z } from 'zod';
import { ArIntelError, NoDataError } from './errors.ts';
import type { Warehouse } from './warehouse.ts';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isIsoDate(text: string): boolean {
  if (!ISO_DATE.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

export const isoDate = z.string().refine(isIsoDate, { message: 'expected a calendar date as YYYY-MM-DD' });

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Last calendar day of the month containing `date`. */
export function monthEnd(date: string): string {
  const d = new Date(`${date.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + 1);
  d.setUTCDate(0);
  return d.toISOString().slice(0, 10);
}

/** Latest business date in the data: what "today" means when the user gives no --as-of. */
export async function latestDataDate(wh: Warehouse): Promise<string> {
  const row = await wh.one<{ d: string | null }>(`
    select greatest(
      (select max(invoice_date) from invoices),
      (select max(received_date) from payments),
      (select max(credit_date) from credit_notes),
      (select max(applied_date) from payment_applications),
      (select max(write_off_date) from write_offs),
      (select max(opened_date) from disputes),
      (select max(order_date) from orders)
    )::varchar as d`);
  if (!row?.d) throw new NoDataError('the warehouse holds no dated business data yet; load some with `ar-intel ingest` or `ar-intel demo --load`');
  return row.d;
}

export async function resolveAsOf(wh: Warehouse, asOf: string | undefined): Promise<string> {
  if (asOf === undefined) return latestDataDate(wh);
  if (!isIsoDate(asOf)) {
    throw new ArIntelError('VALIDATION', `as-of must be a date as YYYY-MM-DD, got "${asOf}"`, { field: 'asOf' });
  }
  return asOf;
}
