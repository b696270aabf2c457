/**
 * Collector writes: activities, promises to pay and disputes. Each is committed before the response
 * returns, in one transaction with its idempotency record, so a retried request (same
 * Idempotency-Key) returns the first answer instead of writing twice.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { ArIntelError } from '../../core/errors.ts';
import type { Warehouse } from '../../core/warehouse.ts';

export interface Stored {
  status: number;
  body: unknown;
}

export const newId = (prefix: string) => `${prefix}-${randomBytes(6).toString('hex').toUpperCase()}`;

const hashOf = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex');

async function one<T extends Record<string, unknown>>(conn: DuckDBConnection, sql: string, params: Record<string, string | number | null>): Promise<T | undefined> {
  const r = await conn.runAndReadAll(sql, params);
  return r.getRowObjectsJson()[0] as T | undefined;
}

/**
 * Runs `write` once per (Idempotency-Key, route): a repeat with the same body replays the stored
 * answer; a repeat with a different body is refused, since the client is confused about what it sent.
 */
export async function idempotentWrite(
  wh: Warehouse,
  key: string | undefined,
  route: string,
  request: unknown,
  at: string,
  write: (conn: DuckDBConnection) => Promise<Stored>,
): Promise<Stored & { replayed: boolean }> {
  return wh.transaction(async (conn) => {
    const requestHash = hashOf(request);
    if (key) {
      const prior = await one<{ request_hash: string; status: number; response: string }>(
        conn,
        'select request_hash, status, response from idempotency_keys where idem_key = $key and route = $route',
        { key, route },
      );
      if (prior) {
        if (prior.request_hash !== requestHash) {
          throw new ArIntelError('CONFLICT', `Idempotency-Key "${key}" was already used for a different ${route} request`, { field: 'Idempotency-Key' }, 422);
        }
        return { status: Number(prior.status), body: JSON.parse(prior.response) as unknown, replayed: true };
      }
    }
    const out = await write(conn);
    if (key) {
      await conn.run(
        `insert into idempotency_keys (idem_key, route, request_hash, status, response, created_at) values ($1, $2, $3, $4, $5, $6::timestamp)`,
        [key, route, requestHash, out.status, JSON.stringify(out.body), at],
      );
    }
    return { ...out, replayed: false };
  });
}

export async function customerOf(conn: DuckDBConnection, customerId: string) {
  return one<{ customer_id: string; collector_id: string | null; currency: string }>(
    conn,
    'select customer_id, collector_id, currency from customers where customer_id = $id',
    { id: customerId },
  );
}

export async function invoiceOf(conn: DuckDBConnection, invoiceId: string) {
  return one<{ invoice_id: string; customer_id: string; currency: string; amount: string; collector_id: string | null }>(
    conn,
    `select i.invoice_id, i.customer_id, i.currency, i.amount::varchar as amount, c.collector_id
     from invoices i left join customers c on c.customer_id = i.customer_id where i.invoice_id = $id`,
    { id: invoiceId },
  );
}

export async function openAmountOf(conn: DuckDBConnection, invoiceId: string, asOf: string): Promise<string> {
  const row = await one<{ open: string }>(
    conn,
    `select (i.amount
             - coalesce((select sum(a.amount) from payment_applications a where a.invoice_id = i.invoice_id and a.applied_date <= $d::date), 0)
             - coalesce((select sum(c.amount) from credit_notes c where c.invoice_id = i.invoice_id and c.credit_date <= $d::date), 0)
             - coalesce((select sum(w.amount) from write_offs w where w.invoice_id = i.invoice_id and w.write_off_date <= $d::date), 0)
            )::decimal(18, 2)::varchar as open
     from invoices i where i.invoice_id = $id`,
    { id: invoiceId, d: asOf },
  );
  return row?.open ?? '0.00';
}

export async function openPromiseOn(conn: DuckDBConnection, invoiceId: string) {
  return one<{ promise_id: string; promised_date: string }>(
    conn,
    `select promise_id, promised_date::varchar as promised_date from promises_to_pay where invoice_id = $id and status = 'open' limit 1`,
    { id: invoiceId },
  );
}

export async function disputeById(wh: Warehouse, disputeId: string) {
  return wh.one<Record<string, unknown>>(
    `select d.dispute_id, d.invoice_id, coalesce(d.customer_id, i.customer_id) as customer_id, d.opened_date::varchar as opened_date,
            d.amount::varchar as amount, d.cause, d.status, d.resolved_date::varchar as resolved_date, d.resolution, d.owner, d.note,
            c.collector_id
     from disputes d left join invoices i on i.invoice_id = d.invoice_id left join customers c on c.customer_id = coalesce(d.customer_id, i.customer_id)
     where d.dispute_id = $1`,
    [disputeId],
  );
}
