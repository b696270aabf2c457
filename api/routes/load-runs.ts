import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { listLoadRuns, listRejectedRows } from '../repositories/load-runs.ts';

const LoadRun = z.object({
  loadRunId: z.string(),
  fileName: z.string(),
  fileSha256: z.string(),
  kind: z.string(),
  profile: z.string().nullable(),
  status: z.string(),
  rowsRead: z.number().int(),
  rowsLoaded: z.number().int(),
  rowsUpdated: z.number().int(),
  rowsRejected: z.number().int(),
  rowsDuplicate: z.number().int(),
  balanceMismatch: z.string().nullable(),
  message: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
});

const RejectedRow = z.object({
  line: z.number().int().nullable(),
  field: z.string().nullable(),
  value: z.string().nullable(),
  reason: z.string(),
});

export const loadRunRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/load-runs',
    {
      config: { arrowTable: 'items' },
      schema: {
        tags: ['data quality'],
        summary: 'Recent file loads with their row counts',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(50) }),
        response: { 200: z.object({ items: z.array(LoadRun) }) },
      },
    },
    async (req) => ({ items: await listLoadRuns(app.warehouse, req.query.limit) }),
  );
  app.get(
    '/load-runs/:id/rejected-rows',
    {
      config: { arrowTable: 'items' },
      schema: {
        tags: ['data quality'],
        summary: 'Rows a load rejected, with line, field and reason',
        params: z.object({ id: z.coerce.number().int().min(1) }),
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(10_000).default(500) }),
        response: { 200: z.object({ items: z.array(RejectedRow) }) },
      },
    },
    async (req) => ({ items: await listRejectedRows(app.warehouse, req.params.id, req.query.limit) }),
  );
};
