/**
 * A cut of the receivables for the CFO filters: one segment, one collector's customers, one document
 * currency, or any combination. Amounts stay in base currency; an absent field does not narrow. The
 * models bind these as `$segment`, `$collector_id`, `$document_currency` (null = everyone), so a scoped
 * summary, aging or history is the same SQL as the unscoped one with fewer lines.
 */
import { ArIntelError } from '../core/errors.ts';
import type { Warehouse } from '../core/warehouse.ts';

export interface MetricScope {
  readonly segment?: string | undefined;
  readonly collectorId?: string | undefined;
  readonly documentCurrency?: string | undefined;
}

export interface ScopeParams {
  readonly segment: string | null;
  readonly collector_id: string | null;
  readonly document_currency: string | null;
}

export function scopeParams(s: MetricScope = {}): ScopeParams {
  return { segment: s.segment ?? null, collector_id: s.collectorId ?? null, document_currency: s.documentCurrency ?? null };
}

export function isScoped(s: MetricScope = {}): boolean {
  return s.segment !== undefined || s.collectorId !== undefined || s.documentCurrency !== undefined;
}

/** A stable text key of the scope (memo keys, logs). */
export function scopeKey(s: MetricScope = {}): string {
  const p = scopeParams(s);
  return JSON.stringify([p.segment, p.collector_id, p.document_currency]);
}

export interface ScopeOptions {
  readonly segments: string[];
  readonly collectors: { id: string; name: string | null }[];
  readonly documentCurrencies: string[];
}

/** The values each filter can take, from the data: customers' segments and collectors, document currencies. */
export async function scopeOptions(wh: Warehouse): Promise<ScopeOptions> {
  const [segments, collectors, currencies] = await Promise.all([
    wh.all<{ segment: string }>('select distinct segment from customers where segment is not null order by segment'),
    // a collector that owns customers, named from the collectors table when it is there
    wh.all<{ id: string; name: string | null }>(
      `select distinct c.collector_id as id, co.name
       from customers c left join collectors co on co.collector_id = c.collector_id
       where c.collector_id is not null
       order by co.name nulls last, c.collector_id`,
    ),
    wh.all<{ currency: string }>(
      `select currency from invoices union select currency from credit_notes union select currency from payments order by currency`,
    ),
  ]);
  return { segments: segments.map((r) => r.segment), collectors, documentCurrencies: currencies.map((r) => r.currency) };
}

const listed = (xs: readonly string[]) => (xs.length ? xs.slice(0, 20).join(', ') + (xs.length > 20 ? ', …' : '') : 'none');

/**
 * A filter naming a segment, collector or currency the data does not have would answer zeros that look
 * like a real (empty) cut: refuse it instead, naming the field and the values that exist.
 */
export async function assertScopeKnown(wh: Warehouse, scope: MetricScope, fieldPrefix = 'querystring'): Promise<void> {
  if (!isScoped(scope)) return;
  const o = await scopeOptions(wh);
  if (scope.segment !== undefined && !o.segments.includes(scope.segment)) {
    throw new ArIntelError('VALIDATION', `segment "${scope.segment}" is not the segment of any customer (known: ${listed(o.segments)})`, { field: `${fieldPrefix}.segment` });
  }
  if (scope.collectorId !== undefined && !o.collectors.some((c) => c.id === scope.collectorId)) {
    throw new ArIntelError('VALIDATION', `collector "${scope.collectorId}" has no customers (known: ${listed(o.collectors.map((c) => c.id))})`, {
      field: `${fieldPrefix}.collectorId`,
    });
  }
  if (scope.documentCurrency !== undefined && !o.documentCurrencies.includes(scope.documentCurrency)) {
    throw new ArIntelError('VALIDATION', `no invoice, credit note or payment is in currency "${scope.documentCurrency}" (known: ${listed(o.documentCurrencies)})`, {
      field: `${fieldPrefix}.documentCurrency`,
    });
  }
}
