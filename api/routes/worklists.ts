import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { isoDate } from '../../core/as-of.ts';
import { NotFoundError } from '../../core/errors.ts';
import { latestWorklistDate, readWorklist, type WorklistQuery } from '../repositories/worklists.ts';

const WorkItem = z.object({
  rank: z.number().int(),
  customerId: z.string(),
  name: z.string().nullable(),
  collectorId: z.string().nullable(),
  score: z.number().describe('expected value of contacting today, in the base currency'),
  totalOpen: z.string(),
  totalOverdue: z.string(),
  totalAtRisk: z.string(),
  currency: z.string(),
  maxDaysPastDue: z.number().int(),
  action: z.string(),
  channel: z.string(),
  step: z.string(),
  reasons: z.array(z.string()),
  contact: z.object({ name: z.string().nullable(), email: z.string().nullable(), phone: z.string().nullable() }),
  lastContacts: z.array(z.object({ at: z.string(), type: z.string(), outcome: z.string().nullable(), note: z.string().nullable() })),
  openPromises: z.array(z.object({ promiseId: z.string(), invoiceId: z.string().nullable(), promisedDate: z.string(), amount: z.string() })),
  openDisputes: z.array(z.object({ disputeId: z.string(), invoiceId: z.string(), cause: z.string(), amount: z.string(), status: z.string() })),
  items: z.array(
    z.object({
      invoiceId: z.string(),
      openAmount: z.string(),
      currency: z.string(),
      dueDate: z.string(),
      daysPastDue: z.number().int(),
      pLate: z.number(),
      pLate30: z.number(),
      status: z.string(),
    }),
  ),
});

const Worklist = z.object({
  collectorId: z.string().nullable(),
  date: z.string(),
  strategyVersion: z.string().nullable(),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  items: z.array(WorkItem),
});

const Query = z.object({
  date: isoDate.optional().describe('worklist date (default: the latest built)'),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
  format: z.enum(['json', 'csv']).default('json').describe('csv: the agency export (accounts at risk over minAtRisk)'),
  minAtRisk: z.coerce.number().min(0).optional().describe('only accounts with at least this much at risk (base currency)'),
});

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

type WorklistResult = Awaited<ReturnType<typeof readWorklist>>;

function sendCsv(reply: FastifyReply, name: string, list: WorklistResult) {
  const header = ['rank', 'customer_id', 'name', 'total_open', 'total_overdue', 'total_at_risk', 'currency', 'max_days_past_due', 'action', 'channel', 'contact_name', 'email', 'phone', 'reasons', 'invoice_ids'];
  const lines = list.items.map((i) =>
    [i.rank, i.customerId, i.name, i.totalOpen, i.totalOverdue, i.totalAtRisk, i.currency, i.maxDaysPastDue, i.action, i.channel, i.contact.name, i.contact.email, i.contact.phone, i.reasons.join(' | '), i.items.map((x) => x.invoiceId).join(' ')]
      .map(csvCell)
      .join(','),
  );
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}.csv"`)
    .send([header.join(','), ...lines].join('\n') + '\n');
}

export const worklistRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const serve = async (q: z.infer<typeof Query>, base: Pick<WorklistQuery, 'queue' | 'collectorId'>, reply: FastifyReply) => {
    const date = q.date ?? (await latestWorklistDate(app.warehouse));
    if (!date) throw new NotFoundError('worklist (run `ar-intel run` first)');
    const csv = q.format === 'csv';
    const list = await readWorklist(app.warehouse, date, {
      ...base,
      date,
      page: csv ? 1 : q.page,
      pageSize: csv ? 100_000 : q.pageSize,
      minAtRisk: q.minAtRisk,
    });
    if (csv) return sendCsv(reply, `worklist-${base.collectorId ?? 'team'}-${date}`, list);
    return { collectorId: base.collectorId ?? null, date, strategyVersion: list.strategyVersion, total: list.total, page: q.page, pageSize: q.pageSize, items: list.items };
  };

  app.get(
    '/worklists/team',
    {
      schema: {
        tags: ['collections'],
        summary: 'The team queue: overflow beyond collectors\' capacity and customers without a collector',
        querystring: Query,
        response: { 200: Worklist },
      },
      config: { arrowTable: 'items' },
    },
    async (req, reply) => serve(req.query, { queue: 'team' }, reply),
  );
  app.get(
    '/worklists/:collectorId',
    {
      schema: {
        tags: ['collections'],
        summary: "A collector's ranked worklist for a date, with reasons and recommended actions",
        params: z.object({ collectorId: z.string().min(1).max(100) }),
        querystring: Query,
        response: { 200: Worklist },
      },
      config: { arrowTable: 'items' },
    },
    async (req, reply) => {
      const known = await app.warehouse.one('select 1 as ok from collectors where collector_id = $1', [req.params.collectorId]);
      if (!known) throw new NotFoundError(`collector ${req.params.collectorId}`);
      return serve(req.query, { queue: 'collector', collectorId: req.params.collectorId }, reply);
    },
  );
};
