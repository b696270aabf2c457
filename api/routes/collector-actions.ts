/**
 * What collectors log: calls/emails/letters/notes, promises to pay and disputes. Entries are dated on
 * the business date the service is looking at (the latest run's as-of) unless the body gives one, so
 * they shape the next worklist built for that date. Every write is committed before the response.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { isoDate, latestDataDate } from '../../core/as-of.ts';
import { ArIntelError, NotFoundError } from '../../core/errors.ts';
import { parseMoney, formatMoney } from '../../core/money.ts';
import { publishedAsOf } from '../../jobs/pipeline.ts';
import { latestWorklistDate } from '../repositories/worklists.ts';
import { DISPUTE_CAUSES } from '../../ingest/canonical/kinds.ts';
import {
  customerOf,
  disputeById,
  idempotentWrite,
  invoiceOf,
  newId,
  openAmountOf,
  openPromiseOn,
} from '../repositories/collector-actions.ts';

const money = z
  .string()
  .refine((s) => {
    const c = parseMoney(s);
    return c !== undefined && c > 0n;
  }, 'a positive amount with at most 2 decimals, e.g. "1250.00"');

const idemHeaders = z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }).passthrough();
const Error = z.object({ statusCode: z.number(), code: z.string(), message: z.string() });

const Activity = z.object({
  activityId: z.string(), customerId: z.string(), invoiceId: z.string().nullable(), collectorId: z.string().nullable(),
  type: z.string(), outcome: z.string().nullable(), at: z.string(), nextFollowUp: z.string().nullable(), note: z.string().nullable(),
});
const Promise_ = z.object({
  promiseId: z.string(), customerId: z.string(), invoiceId: z.string().nullable(), createdDate: z.string(), promisedDate: z.string(),
  amount: z.string(), currency: z.string(), status: z.string(),
});
const Dispute = z.object({
  disputeId: z.string(), invoiceId: z.string(), customerId: z.string().nullable(), openedDate: z.string(), amount: z.string(), cause: z.string(),
  status: z.string(), resolvedDate: z.string().nullable(), resolution: z.string().nullable(), owner: z.string().nullable(), note: z.string().nullable(),
});

function assertOwn(req: FastifyRequest, collectorId: string | null, what: string): void {
  const p = req.principal;
  if (p?.role === 'collector' && p.collectorId !== collectorId) {
    throw new ArIntelError('VALIDATION', `${what} is not in collector ${p.collectorId}'s portfolio`, {}, 403);
  }
}

export const collectorActionRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const businessDate = async (given: string | undefined) =>
    given ?? (await publishedAsOf(app.warehouse)) ?? (await latestWorklistDate(app.warehouse)) ?? (await latestDataDate(app.warehouse));
  const clock = () => new Date().toISOString();

  app.post(
    '/activities',
    {
      schema: {
        tags: ['collections'],
        summary: 'Log a call, email, letter or note (idempotent with an Idempotency-Key header)',
        headers: idemHeaders,
        body: z.object({
          customerId: z.string().min(1),
          invoiceId: z.string().min(1).optional(),
          type: z.enum(['call', 'email', 'letter', 'note']),
          outcome: z.string().max(200).optional(),
          note: z.string().max(4000).optional(),
          nextFollowUp: isoDate.optional(),
          date: isoDate.optional().describe('business date of the contact (default: the current worklist date)'),
          collectorId: z.string().optional().describe('admins only; collectors log as themselves'),
        }),
        response: { 201: Activity, 200: Activity, 403: Error, 404: Error, 422: Error },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const date = await businessDate(b.date);
      const at = `${date}T${clock().slice(11, 19)}`;
      const out = await idempotentWrite(app.warehouse, req.headers['idempotency-key'], 'POST /activities', b, clock(), async (conn) => {
        const customer = await customerOf(conn, b.customerId);
        if (!customer) throw new NotFoundError(`customer ${b.customerId}`);
        assertOwn(req, customer.collector_id, `customer ${b.customerId}`);
        if (b.invoiceId) {
          const inv = await invoiceOf(conn, b.invoiceId);
          if (!inv || inv.customer_id !== b.customerId) throw new ArIntelError('VALIDATION', `invoice ${b.invoiceId} does not belong to customer ${b.customerId}`, { field: 'body.invoiceId' });
        }
        const collectorId = req.principal?.role === 'collector' ? req.principal.collectorId : (b.collectorId ?? customer.collector_id);
        const activity = {
          activityId: newId('ACT'), customerId: b.customerId, invoiceId: b.invoiceId ?? null, collectorId, type: b.type,
          outcome: b.outcome ?? null, at, nextFollowUp: b.nextFollowUp ?? null, note: b.note ?? null,
        };
        await conn.run(
          `insert into activities (activity_id, customer_id, invoice_id, collector_id, activity_type, outcome, activity_at, next_follow_up, note, source_file)
           values ($1, $2, $3, $4, $5, $6, $7::timestamp, $8::date, $9, 'api')`,
          [activity.activityId, activity.customerId, activity.invoiceId, collectorId, b.type, activity.outcome, at, activity.nextFollowUp, activity.note],
        );
        return { status: 201, body: activity };
      });
      req.audit = { entity: 'activity', entityId: (out.body as { activityId: string }).activityId, after: out.body };
      return reply.code(out.replayed ? 200 : 201).send(out.body as z.infer<typeof Activity>);
    },
  );

  app.post(
    '/promises',
    {
      schema: {
        tags: ['collections'],
        summary: 'Record a promise to pay for invoices (their open amounts) or an amount on the account',
        headers: idemHeaders,
        body: z
          .object({
            customerId: z.string().min(1),
            invoiceIds: z.array(z.string().min(1)).max(200).optional(),
            amount: money.optional(),
            promisedDate: isoDate,
            note: z.string().max(4000).optional(),
            date: isoDate.optional().describe('business date the promise was made (default: the current worklist date)'),
          })
          .refine((b) => (b.invoiceIds?.length ?? 0) > 0 || b.amount !== undefined, { message: 'give invoiceIds, an amount, or both', path: ['amount'] })
          .refine((b) => !(b.amount !== undefined && (b.invoiceIds?.length ?? 0) > 1), { message: 'an amount goes with one invoice or the whole account; for several invoices their open amounts are promised', path: ['amount'] }),
        response: { 201: z.object({ items: z.array(Promise_) }), 200: z.object({ items: z.array(Promise_) }), 403: Error, 404: Error, 409: Error, 422: Error },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const date = await businessDate(b.date);
      if (b.promisedDate < date) throw new ArIntelError('VALIDATION', `promisedDate ${b.promisedDate} is before the promise date ${date}`, { field: 'body.promisedDate' });
      const out = await idempotentWrite(app.warehouse, req.headers['idempotency-key'], 'POST /promises', b, clock(), async (conn) => {
        const customer = await customerOf(conn, b.customerId);
        if (!customer) throw new NotFoundError(`customer ${b.customerId}`);
        assertOwn(req, customer.collector_id, `customer ${b.customerId}`);
        const collectorId = req.principal?.role === 'collector' ? req.principal.collectorId : customer.collector_id;
        const targets: { invoiceId: string | null; amount: string; currency: string }[] = [];
        for (const id of b.invoiceIds ?? []) {
          const inv = await invoiceOf(conn, id);
          if (!inv || inv.customer_id !== b.customerId) throw new ArIntelError('VALIDATION', `invoice ${id} does not belong to customer ${b.customerId}`, { field: 'body.invoiceIds' });
          const open = await openAmountOf(conn, id, date);
          if ((parseMoney(open) ?? 0n) <= 0n) throw new ArIntelError('VALIDATION', `invoice ${id} has nothing open on ${date}`, { field: 'body.invoiceIds' });
          const existing = await openPromiseOn(conn, id);
          if (existing) throw new ArIntelError('CONFLICT', `invoice ${id} already has open promise ${existing.promise_id} due ${existing.promised_date}`, { field: 'body.invoiceIds' }, 409);
          targets.push({ invoiceId: id, amount: b.amount ? formatMoney(parseMoney(b.amount) ?? 0n) : open, currency: inv.currency });
        }
        if (targets.length === 0) targets.push({ invoiceId: null, amount: formatMoney(parseMoney(b.amount ?? '0') ?? 0n), currency: customer.currency });
        const items = [];
        for (const t of targets) {
          const promise = { promiseId: newId('PTP'), customerId: b.customerId, invoiceId: t.invoiceId, createdDate: date, promisedDate: b.promisedDate, amount: t.amount, currency: t.currency, status: 'open' };
          await conn.run(
            `insert into promises_to_pay (promise_id, customer_id, invoice_id, collector_id, created_date, promised_date, amount, currency, status, note, source_file)
             values ($1, $2, $3, $4, $5::date, $6::date, $7::decimal(18,2), $8, 'open', $9, 'api')`,
            [promise.promiseId, b.customerId, t.invoiceId, collectorId, date, b.promisedDate, t.amount, t.currency, b.note ?? null],
          );
          items.push(promise);
        }
        return { status: 201, body: { items } };
      });
      req.audit = { entity: 'promise', entityId: null, after: out.body };
      return reply.code(out.replayed ? 200 : 201).send(out.body as { items: z.infer<typeof Promise_>[] });
    },
  );

  app.post(
    '/disputes',
    {
      schema: {
        tags: ['collections'],
        summary: 'Open a dispute on an invoice (routes the item to the dispute owner)',
        headers: idemHeaders,
        body: z.object({
          invoiceId: z.string().min(1),
          amount: money,
          cause: z.enum(DISPUTE_CAUSES),
          note: z.string().max(4000).optional(),
          owner: z.string().max(200).optional(),
          date: isoDate.optional(),
        }),
        response: { 201: Dispute, 200: Dispute, 403: Error, 404: Error, 422: Error },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const date = await businessDate(b.date);
      const out = await idempotentWrite(app.warehouse, req.headers['idempotency-key'], 'POST /disputes', b, clock(), async (conn) => {
        const inv = await invoiceOf(conn, b.invoiceId);
        if (!inv) throw new NotFoundError(`invoice ${b.invoiceId}`);
        assertOwn(req, inv.collector_id, `invoice ${b.invoiceId}`);
        if ((parseMoney(b.amount) ?? 0n) > (parseMoney(inv.amount) ?? 0n)) {
          throw new ArIntelError('VALIDATION', `disputed amount ${b.amount} exceeds the invoice amount ${inv.amount}`, { field: 'body.amount' });
        }
        const dispute = {
          disputeId: newId('DSP'), invoiceId: b.invoiceId, customerId: inv.customer_id, openedDate: date, amount: formatMoney(parseMoney(b.amount) ?? 0n),
          cause: b.cause, status: 'open', resolvedDate: null, resolution: null, owner: b.owner ?? null, note: b.note ?? null,
        };
        await conn.run(
          `insert into disputes (dispute_id, invoice_id, customer_id, opened_date, amount, cause, status, owner, note, source_file)
           values ($1, $2, $3, $4::date, $5::decimal(18,2), $6, 'open', $7, $8, 'api')`,
          [dispute.disputeId, b.invoiceId, inv.customer_id, date, dispute.amount, b.cause, dispute.owner, dispute.note],
        );
        return { status: 201, body: dispute };
      });
      req.audit = { entity: 'dispute', entityId: (out.body as { disputeId: string }).disputeId, after: out.body };
      return reply.code(out.replayed ? 200 : 201).send(out.body as z.infer<typeof Dispute>);
    },
  );

  app.patch(
    '/disputes/:id',
    {
      schema: {
        tags: ['collections'],
        summary: 'Update a dispute: status and resolution',
        params: z.object({ id: z.string().min(1).max(100) }),
        body: z
          .object({
            status: z.enum(['open', 'in_review', 'resolved', 'rejected']),
            resolution: z.string().max(4000).optional(),
            resolvedDate: isoDate.optional(),
          })
          .refine((b) => (b.status === 'resolved' || b.status === 'rejected') === (b.resolution !== undefined), {
            message: 'a resolution is required exactly when the status is resolved or rejected',
            path: ['resolution'],
          }),
        response: { 200: Dispute, 403: Error, 404: Error },
      },
    },
    async (req) => {
      const before = await disputeById(app.warehouse, req.params.id);
      if (!before) throw new NotFoundError(`dispute ${req.params.id}`);
      assertOwn(req, (before.collector_id as string | null) ?? null, `dispute ${req.params.id}`);
      const closing = req.body.status === 'resolved' || req.body.status === 'rejected';
      const resolvedDate = closing ? await businessDate(req.body.resolvedDate) : null;
      await app.warehouse.run(
        `update disputes set status = $2, resolution = $3, resolved_date = $4::date where dispute_id = $1`,
        [req.params.id, req.body.status, req.body.resolution ?? null, resolvedDate],
      );
      const after = await disputeById(app.warehouse, req.params.id);
      const view = (d: Record<string, unknown>) => ({
        disputeId: String(d.dispute_id), invoiceId: String(d.invoice_id), customerId: (d.customer_id as string | null) ?? null,
        openedDate: String(d.opened_date), amount: String(d.amount), cause: String(d.cause), status: String(d.status),
        resolvedDate: (d.resolved_date as string | null) ?? null, resolution: (d.resolution as string | null) ?? null,
        owner: (d.owner as string | null) ?? null, note: (d.note as string | null) ?? null,
      });
      req.audit = { entity: 'dispute', entityId: req.params.id, before: view(before), after: after ? view(after) : null };
      return view(after ?? before);
    },
  );
};
