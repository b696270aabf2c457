/**
 * The CFO filters as query parameters, shared by every route that can cut the book (metrics summary, aging
 * and trend; dispute causes): one definition, so the names, validation and the `filters` echo are the same
 * everywhere. Values the data does not have are refused by `assertScopeKnown` (models/scope.ts) with a 400
 * naming the field.
 */
import { z } from 'zod';
import type { MetricScope } from '../../models/scope.ts';

/** Absent = the whole book. */
export const ScopeQuery = {
  segment: z.string().min(1).max(200).optional().describe('only customers of this segment (GET /metrics/filters lists them)'),
  collectorId: z.string().min(1).max(200).optional().describe("only this collector's customers"),
  documentCurrency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'expected a 3-letter ISO currency code such as EUR')
    .optional()
    .describe('only documents in this currency (amounts stay in the base currency)'),
};

export const Filters = z
  .object({ segment: z.string().nullable(), collectorId: z.string().nullable(), documentCurrency: z.string().nullable() })
  .describe('the filters applied (null = all)');

export function scopeOf(q: { segment?: string | undefined; collectorId?: string | undefined; documentCurrency?: string | undefined }): MetricScope {
  return { segment: q.segment, collectorId: q.collectorId, documentCurrency: q.documentCurrency };
}

export function filtersOf(s: MetricScope): z.infer<typeof Filters> {
  return { segment: s.segment ?? null, collectorId: s.collectorId ?? null, documentCurrency: s.documentCurrency ?? null };
}
