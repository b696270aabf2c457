import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { daysBetween } from '../../core/as-of.ts';
import { tableFreshness } from '../repositories/data-quality.ts';

const TableFreshness = z.object({
  table: z.string(),
  /** Master data (customers, collectors): its latest date is shown but not counted as staleness. */
  master: z.boolean(),
  dateColumn: z.string().nullable(),
  rows: z.number().int(),
  latestDate: z.string().nullable(),
  /** Days between this table's latest date and the newest date of any transaction table; null for master data. */
  daysBehind: z.number().int().nullable(),
  lastLoadedAt: z.string().nullable(),
});

export const dataQualityRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/data-quality/freshness',
    {
      config: { arrowTable: 'items' },
      schema: {
        tags: ['data quality'],
        summary: 'Row count, latest business date and last load time of each canonical table',
        response: { 200: z.object({ newestDate: z.string().nullable(), items: z.array(TableFreshness) }) },
      },
    },
    async () => {
      const rows = await tableFreshness(app.warehouse);
      const newestDate = rows.reduce<string | null>((m, r) => (!r.master && r.latestDate !== null && (m === null || r.latestDate > m) ? r.latestDate : m), null);
      return {
        newestDate,
        items: rows.map((r) => ({
          ...r,
          daysBehind: r.master || r.latestDate === null || newestDate === null ? null : daysBetween(r.latestDate, newestDate),
        })),
      };
    },
  );
};
