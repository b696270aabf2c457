import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { NotFoundError } from '../../core/errors.ts';
import { getRun, listRuns } from '../repositories/runs.ts';

const Run = z.object({
  runId: z.string(),
  asOf: z.string(),
  status: z.string(),
  published: z.boolean(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  error: z.string().nullable(),
});

const Stage = z.object({
  stage: z.string(),
  seq: z.number().int(),
  status: z.string(),
  rows: z.number().int().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  error: z.string().nullable(),
});

export const runRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/runs',
    {
      schema: {
        tags: ['pipeline'],
        summary: 'Pipeline runs, newest first',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(20) }),
        response: { 200: z.object({ items: z.array(Run) }) },
      },
    },
    async (req) => ({ items: await listRuns(app.warehouse, req.query.limit) }),
  );
  app.get(
    '/runs/:id',
    {
      schema: {
        tags: ['pipeline'],
        summary: 'One pipeline run with its stages (start, end, rows, outcome, error)',
        params: z.object({ id: z.coerce.number().int().min(1) }),
        response: { 200: Run.extend({ stages: z.array(Stage) }) },
      },
    },
    async (req) => {
      const run = await getRun(app.warehouse, req.params.id);
      if (!run) throw new NotFoundError(`run ${req.params.id}`);
      return run;
    },
  );
};
