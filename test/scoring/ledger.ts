/**
 * A small synthetic AR ledger with latent per-customer payment behaviour, for scoring tests.
 * `loadLedger(wh, ledger, cutoff)` loads only what would have existed on `cutoff` (rows dated on or
 * before it, disputes not yet resolved, promises not yet judged), which is how the point-in-time test
 * builds its truncated twin warehouse.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addDays } from '../../core/as-of.ts';
import type { Warehouse } from '../../core/warehouse.ts';
import { mulberry32 } from '../../scoring/forecast/prng.ts';

export interface Ledger {
  customers: { customer_id: string; name: string; country: string; currency: string; payment_terms_days: number; credit_limit: string; segment: string; industry: string; collector_id: string }[];
  invoices: { invoice_id: string; customer_id: string; invoice_date: string; due_date: string; amount: string; currency: string; terms_days: number }[];
  payments: { payment_id: string; customer_id: string; received_date: string; amount: string; currency: string }[];
  applications: { application_id: string; payment_id: string; invoice_id: string; amount: string; applied_date: string }[];
  write_offs: { write_off_id: string; invoice_id: string; customer_id: string; write_off_date: string; amount: string }[];
  disputes: { dispute_id: string; invoice_id: string; customer_id: string; opened_date: string; amount: string; cause: string; status: string; resolved_date: string | null }[];
  promises: { promise_id: string; customer_id: string; invoice_id: string; created_date: string; promised_date: string; amount: string; status: string }[];
}

export interface LedgerOptions {
  customers?: number;
  start?: string;
  months?: number;
  seed?: number;
}

/** Customers pay early, on terms, late (heavy tail) or deteriorate; a few default and get written off. */
export function makeLedger(opts: LedgerOptions = {}): Ledger {
  const rand = mulberry32(opts.seed ?? 7);
  const nCust = opts.customers ?? 60;
  const start = opts.start ?? '2024-01-01';
  const months = opts.months ?? 24;
  const horizon = addDays(start, months * 30);
  const L: Ledger = { customers: [], invoices: [], payments: [], applications: [], write_offs: [], disputes: [], promises: [] };
  const segments = ['enterprise', 'mid_market', 'small_business'];
  for (let c = 0; c < nCust; c++) {
    const id = `C${String(c).padStart(4, '0')}`;
    const kind = rand();
    const behaviour = kind < 0.2 ? 'early' : kind < 0.55 ? 'on_terms' : kind < 0.85 ? 'late' : kind < 0.95 ? 'deteriorating' : 'default';
    const segment = segments[c % 3] ?? 'mid_market';
    const terms = [30, 30, 45, 60][c % 4] ?? 30;
    const meanLate = behaviour === 'early' ? -5 : behaviour === 'on_terms' ? 0 : behaviour === 'late' ? 10 + rand() * 30 : 5;
    const typical = 500 + Math.round(rand() * 5000);
    L.customers.push({ customer_id: id, name: `Customer ${c}`, country: c % 5 === 0 ? 'DE' : 'US', currency: 'USD', payment_terms_days: terms, credit_limit: String(typical * 4), segment, industry: c % 2 ? 'retail' : 'manufacturing', collector_id: 'K1' });
    const defaultDate = behaviour === 'default' ? addDays(start, Math.floor(200 + rand() * (months * 30 - 300))) : null;
    let d = addDays(start, Math.floor(rand() * 20));
    let n = 0;
    while (d < horizon) {
      const invId = `${id}-I${n++}`;
      const amount = Math.max(50, Math.round(typical * (0.4 + rand() * 1.2)));
      const due = addDays(d, terms);
      L.invoices.push({ invoice_id: invId, customer_id: id, invoice_date: d, due_date: due, amount: `${amount}.00`, currency: 'USD', terms_days: terms });
      const progress = (Date.parse(d) - Date.parse(start)) / (months * 30 * 86_400_000);
      let late: number;
      if (behaviour === 'early') late = -Math.round(rand() * 10);
      else if (behaviour === 'on_terms') late = Math.round((rand() - 0.5) * 4);
      else if (behaviour === 'late') late = Math.round(meanLate * -Math.log(1 - rand() * 0.999) * 0.8);
      else if (behaviour === 'deteriorating') late = Math.round(progress * 60 * rand() + rand() * 5);
      else late = Math.round(5 + rand() * 15);
      const disputed = rand() < 0.05;
      if (disputed) {
        late += 20;
        const opened = addDays(d, 10);
        const resolved = addDays(due, late - 2);
        L.disputes.push({ dispute_id: `D-${invId}`, invoice_id: invId, customer_id: id, opened_date: opened, amount: `${amount}.00`, cause: 'pricing', status: 'resolved', resolved_date: resolved });
      }
      if (defaultDate && due > defaultDate) {
        L.write_offs.push({ write_off_id: `W-${invId}`, invoice_id: invId, customer_id: id, write_off_date: addDays(due, 120), amount: `${amount}.00` });
      } else {
        const payDate = addDays(due, late);
        if (late > 15 && rand() < 0.5) {
          const promised = addDays(due, Math.max(1, late - 10));
          L.promises.push({ promise_id: `P-${invId}`, customer_id: id, invoice_id: invId, created_date: addDays(due, 5), promised_date: promised, amount: `${amount}.00`, status: 'broken' });
        }
        const partial = rand() < 0.1;
        const pieces = partial ? [Math.floor(amount / 2), amount - Math.floor(amount / 2)] : [amount];
        pieces.forEach((p, k) => {
          const when = k === 0 && partial ? addDays(payDate, -10) : payDate;
          const payId = `PAY-${invId}-${k}`;
          L.payments.push({ payment_id: payId, customer_id: id, received_date: when, amount: `${p}.00`, currency: 'USD' });
          L.applications.push({ application_id: `A-${invId}-${k}`, payment_id: payId, invoice_id: invId, amount: `${p}.00`, applied_date: when });
        });
      }
      d = addDays(d, 10 + Math.floor(rand() * 25));
    }
  }
  return L;
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

async function insertRows(wh: Warehouse, dir: string, table: string, rows: Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  const cols = Object.keys(rows[0] ?? {});
  const path = join(dir, `${table}-${Math.floor(Math.random() * 1e9)}.csv`);
  writeFileSync(path, [cols.join(','), ...rows.map((r) => cols.map((c) => csvCell(r[c])).join(','))].join('\n'));
  await wh.run(`insert into ${table} (${cols.join(', ')}) select ${cols.join(', ')} from read_csv($1, header = true, all_varchar = true, nullstr = '')`, [path]);
}

/** Loads the ledger as it stood at the end of `cutoff` (everything when cutoff is undefined). */
export async function loadLedger(wh: Warehouse, dir: string, ledger: Ledger, cutoff?: string): Promise<void> {
  const keep = (d: string) => cutoff === undefined || d <= cutoff;
  await insertRows(wh, dir, 'customers', ledger.customers);
  await insertRows(wh, dir, 'invoices', ledger.invoices.filter((r) => keep(r.invoice_date)));
  await insertRows(wh, dir, 'payments', ledger.payments.filter((r) => keep(r.received_date)));
  await insertRows(wh, dir, 'payment_applications', ledger.applications.filter((r) => keep(r.applied_date)).map((r) => ({ ...r, method: 'imported' })));
  await insertRows(wh, dir, 'write_offs', ledger.write_offs.filter((r) => keep(r.write_off_date)));
  await insertRows(
    wh,
    dir,
    'disputes',
    ledger.disputes
      .filter((r) => keep(r.opened_date))
      .map((r) => (r.resolved_date && keep(r.resolved_date) ? r : { ...r, status: 'open', resolved_date: null })),
  );
  await insertRows(
    wh,
    dir,
    'promises_to_pay',
    ledger.promises.filter((r) => keep(r.created_date)).map((r) => (cutoff === undefined || r.promised_date < cutoff ? r : { ...r, status: 'open' })),
  );
}
