/**
 * Bad-debt reserve as of a date: `schedule` applies configured rates to the open invoice AR per
 * aging bucket; `matrix` derives the rates from how a past invoice cohort aged (IFRS 9 provision
 * matrix) and applies them to the same buckets.
 */
import { ArIntelError } from '../core/errors.ts';
import type { Warehouse } from '../core/warehouse.ts';
import { addDays } from '../core/as-of.ts';
import { bucketDefs, DEFAULT_BUCKET_EDGES } from './buckets.ts';
import { queryModel } from './dag.ts';
import { agingReport, num } from './metrics.ts';
import { cohortLossRates, reserveFromRates, rollRate } from './reserve.ts';
import { addMonths } from './periods.ts';

/** Default schedule rates for current, 1–30, 31–60, 61–90, 91–120, 120+ (metrics.md example, 91+ at 50 %). */
export const DEFAULT_SCHEDULE_RATES: readonly number[] = [0.01, 0.05, 0.1, 0.25, 0.5, 0.5];

export interface ReserveOptions {
  readonly asOf: string;
  readonly baseCurrency: string;
  readonly method: 'schedule' | 'matrix';
  readonly edges?: readonly number[];
  readonly rates?: readonly number[];
  readonly cohortFrom?: string;
  readonly cohortTo?: string;
}

export async function reserveReport(wh: Warehouse, o: ReserveOptions) {
  const edges = o.edges ?? DEFAULT_BUCKET_EDGES;
  const defs = bucketDefs(edges);
  const aging = await agingReport(wh, { asOf: o.asOf, baseCurrency: o.baseCurrency, edges, groupBy: 'none' });
  // the reserve covers open invoices only: unapplied cash and credits are not receivables at risk
  const amounts = defs.map((_, i) => num(aging[0]?.buckets[i]?.invoiceAmount ?? '0'));
  let rates: number[];
  let cohort: { from: string; to: string; invoices: number; reached: string[]; loss: string } | null = null;
  if (o.method === 'schedule') {
    rates = [...(o.rates ?? (edges.length === DEFAULT_BUCKET_EDGES.length ? DEFAULT_SCHEDULE_RATES : []))];
    if (rates.length !== defs.length) {
      throw new ArIntelError('VALIDATION', `rates: give one rate per bucket (${defs.length}: ${defs.map((d) => d.label).join(', ')}), got ${rates.length}`, {
        field: 'rates',
      });
    }
  } else {
    const cohortTo = o.cohortTo ?? o.asOf;
    const cohortFrom = o.cohortFrom ?? addDays(addMonths(`${cohortTo.slice(0, 7)}-01`, -12), 0);
    const rows = await queryModel<{ bucket: number; reached: number; loss: number; cohort_invoices: string }>(
      wh,
      'mart_loss_cohort',
      { as_of: o.asOf, base_currency: o.baseCurrency, bucket_edges: edges.join(','), cohort_from: cohortFrom, cohort_to: cohortTo },
      { tail: 'order by bucket' },
    );
    const reached = defs.map((d) => Number(rows.find((r) => Number(r.bucket) === d.index)?.reached ?? 0));
    const loss = Number(rows[0]?.loss ?? 0);
    if (!(reached[0] && reached[0] > 0)) {
      throw new ArIntelError(
        'NO_DATA',
        `no matured invoice cohort between ${cohortFrom} and ${cohortTo} (invoices must be more than ${edges[edges.length - 1]} days past due by ${o.asOf}); choose cohortFrom/cohortTo`,
        { field: 'cohortFrom' },
        409,
      );
    }
    // a bucket the cohort never reached has no observed loss: fall back to the next observed rate up
    const observed = cohortLossRates(reached, loss);
    rates = observed.map((r, i) => r ?? observed.slice(0, i).reverse().find((x) => x !== null) ?? 0);
    cohort = {
      from: cohortFrom,
      to: cohortTo,
      invoices: num(rows[0]?.cohort_invoices),
      reached: reached.map((x) => x.toFixed(2)),
      loss: loss.toFixed(2),
    };
  }
  const total = reserveFromRates(amounts, rates);
  return {
    asOf: o.asOf,
    method: o.method,
    currency: o.baseCurrency,
    buckets: defs.map((d, i) => ({
      label: d.label,
      minDays: d.minDays,
      maxDays: d.maxDays,
      amount: (amounts[i] as number).toFixed(2),
      rate: Number((rates[i] as number).toFixed(6)),
      reserve: ((amounts[i] as number) * (rates[i] as number)).toFixed(2),
    })),
    total: total.toFixed(2),
    cohort,
  };
}

export interface RollRateOptions {
  readonly asOf: string;
  readonly from: string;
  readonly baseCurrency: string;
  readonly edges?: readonly number[];
}

/**
 * Roll rates between consecutive month-ends from `from` to `asOf`: of the open invoice amount in a
 * bucket at one month-end, the share found one bucket older at the next. Reads month-end balances of the
 * whole history, so it costs about as much as one history build.
 */
export async function rollRates(wh: Warehouse, o: RollRateOptions) {
  const edges = o.edges ?? DEFAULT_BUCKET_EDGES;
  const defs = bucketDefs(edges);
  const rows = await queryModel<{ bucket: number; amount: string; rolled: string }>(
    wh,
    'mart_roll_rates',
    { as_of: o.asOf, from: o.from, base_currency: o.baseCurrency, bucket_edges: edges.join(','), basis: 'due' },
    { swap: { int_item_balances: 'int_item_balances_monthly' }, tail: 'order by bucket' },
  );
  return defs.slice(0, -1).map((d, i) => {
    const r = rows.find((x) => Number(x.bucket) === d.index);
    const amount = num(r?.amount);
    const rolled = num(r?.rolled);
    const rate = rollRate(amount, rolled);
    return {
      from: d.label,
      to: (defs[i + 1] as { label: string }).label,
      amount: amount.toFixed(2),
      rolled: rolled.toFixed(2),
      rate: rate === null ? null : Number(rate.toFixed(6)),
    };
  });
}
