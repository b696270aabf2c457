/**
 * Property: on random multi-currency ledgers spread over segments and collectors (with unidentified cash,
 * which belongs to no customer), the filtered summaries, aging and monthly history partition the book:
 * - each cut's aging buckets sum to that cut's open AR, and a segment's summary equals its row of the
 *   aging grouped by segment;
 * - the cuts by document currency sum to the unfiltered figures to the cent (open AR, every bucket,
 *   credit sales and every month-end of the history), because each line is converted and rounded once;
 * - the cuts by segment (or collector), plus the lines of no segment (collector), sum to the unfiltered total.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../core/as-of.ts';
import { parseMoney } from '../../core/money.ts';
import { computeMetricHistory } from '../../models/history.ts';
import { agingReport, arSummary, creditSalesByMonth } from '../../models/metrics.ts';
import type { MetricScope } from '../../models/scope.ts';
import { tempWarehouse, type TestWarehouse } from '../helpers/warehouse.ts';
import { Ledger, resetLedger } from './ledger.ts';

const START = '2021-01-01';
const CUSTOMERS = [
  { id: 'C1', segment: 'enterprise', collector: 'K1' },
  { id: 'C2', segment: 'enterprise', collector: 'K2' },
  { id: 'C3', segment: 'smb', collector: 'K1' },
  { id: 'C4', segment: 'public', collector: null },
  { id: 'C5', segment: null, collector: 'K2' },
] as const;
const CURRENCIES = ['USD', 'EUR', 'GBP'] as const;

const customer = fc.constantFrom(...CUSTOMERS.map((c) => c.id));
const currency = fc.constantFrom(...CURRENCIES);
const day = fc.integer({ min: 0, max: 200 });
const cents = fc.integer({ min: 1, max: 400_000 });
const ledgerArb = fc.record({
  invoices: fc.array(
    fc.record({
      customer,
      currency,
      day,
      terms: fc.integer({ min: 0, max: 60 }),
      cents,
      paid: fc.option(fc.record({ share: fc.double({ min: 0.05, max: 1.1, noNaN: true }), lag: fc.integer({ min: 0, max: 120 }) })),
      credited: fc.option(fc.record({ share: fc.double({ min: 0.05, max: 0.5, noNaN: true }), lag: fc.integer({ min: 0, max: 60 }) })),
    }),
    { minLength: 1, maxLength: 10 },
  ),
  // cash on account, some from no known customer (unidentified)
  advances: fc.array(fc.record({ customer: fc.option(customer), currency, day, cents }), { maxLength: 3 }),
  rates: fc.record({ EUR: fc.integer({ min: 90, max: 130 }), GBP: fc.integer({ min: 110, max: 150 }) }),
  asOf: fc.integer({ min: 60, max: 260 }),
});

let t: TestWarehouse;
beforeAll(async () => {
  t = await tempWarehouse();
});
afterAll(() => t.cleanup());

const c = (s: string | null | undefined) => parseMoney(s ?? '0') ?? 0n;
const sum = (xs: readonly bigint[]) => xs.reduce((a, b) => a + b, 0n);

describe('filtered metrics partition the book', () => {
  // each run makes ~60 model queries on a fresh ledger; a few runs on a shared 2-core machine take minutes
  it('by document currency exactly, by segment and collector up to the lines with none', { timeout: 600_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(ledgerArb, async (g) => {
        await resetLedger(t.wh);
        const l = new Ledger(t.wh);
        for (const k of ['K1', 'K2']) await l.collector(k);
        for (const cu of CUSTOMERS) {
          // the ledger helper's default segment is 'mid'; a customer without one is set to null after
          await l.customer(cu.id, { ...(cu.collector ? { collector: cu.collector } : {}) });
          await t.wh.run('update customers set segment = $1 where customer_id = $2', [cu.segment, cu.id]);
        }
        const on = (d: number) => addDays(START, d);
        for (const cur of ['EUR', 'GBP'] as const) {
          await l.rate(START, cur, (g.rates[cur] / 100).toFixed(4));
          await l.rate(on(120), cur, ((g.rates[cur] + 7) / 100).toFixed(4));
        }
        for (const [i, inv] of g.invoices.entries()) {
          const id = `I${i}`;
          const amount = (inv.cents / 100).toFixed(2);
          await l.invoice({ id, customer: inv.customer, currency: inv.currency, date: on(inv.day), due: on(inv.day + inv.terms), amount });
          if (inv.paid) await l.pay(id, (Math.max(1, Math.round(inv.cents * inv.paid.share)) / 100).toFixed(2), on(inv.day + inv.paid.lag), inv.customer, inv.currency);
          if (inv.credited) {
            const amt = (Math.max(1, Math.round(inv.cents * inv.credited.share)) / 100).toFixed(2);
            await l.credit({ customer: inv.customer, invoice: id, date: on(inv.day + inv.credited.lag), amount: amt, currency: inv.currency });
          }
        }
        for (const a of g.advances) await l.payment({ customer: a.customer, currency: a.currency, date: on(a.day), amount: (a.cents / 100).toFixed(2) });

        const asOf = on(g.asOf);
        const base = { asOf, baseCurrency: 'USD' };
        const all = await arSummary(t.wh, base);
        const summaryOf = (scope: MetricScope) => arSummary(t.wh, { ...base, scope });

        // every cut: buckets sum to its open AR, overdue = total − current
        const check = async (scope: MetricScope) => {
          const s = await summaryOf(scope);
          expect(sum(s.buckets.map((b) => c(b.amount))), JSON.stringify(scope)).toBe(c(s.totalAr));
          expect(c(s.overdueAr)).toBe(c(s.totalAr) - c(s.currentAr));
          const [aging] = await agingReport(t.wh, { ...base, scope });
          expect(aging?.total ?? '0.00').toBe(s.totalAr);
          return s;
        };

        // document currency: an exact partition of open AR, each bucket, credit sales and the history
        const byCurrency = await Promise.all(CURRENCIES.map((cur) => check({ documentCurrency: cur })));
        expect(sum(byCurrency.map((s) => c(s.totalAr)))).toBe(c(all.totalAr));
        all.buckets.forEach((b, k) => expect(sum(byCurrency.map((s) => c(s.buckets[k]?.amount))), b.label).toBe(c(b.amount)));
        const salesAll = await creditSalesByMonth(t.wh, asOf, 'USD');
        const salesCut = await Promise.all(CURRENCIES.map((cur) => creditSalesByMonth(t.wh, asOf, 'USD', { documentCurrency: cur })));
        for (const [month, v] of salesAll) expect(sum(salesCut.map((m) => c((m.get(month) ?? 0).toFixed(2)))), month).toBe(c(v.toFixed(2)));
        const historyAll = await computeMetricHistory(t.wh, asOf, 'USD');
        const historyCut = await Promise.all(CURRENCIES.map((cur) => computeMetricHistory(t.wh, asOf, 'USD', { documentCurrency: cur })));
        for (const row of historyAll.filter((r) => r.amount !== null && r.metric !== 'credit_sales')) {
          const parts = historyCut.map((h) => c(h.find((r) => r.monthEnd === row.monthEnd && r.metric === row.metric)?.amount ?? '0'));
          expect(sum(parts), `${row.metric} at ${row.monthEnd}`).toBe(c(row.amount));
        }

        // segment: each cut equals its aging row; the cuts plus the lines of no segment make the whole
        const bySegmentRows = await agingReport(t.wh, { ...base, groupBy: 'segment' });
        const segments = ['enterprise', 'smb', 'public'];
        const bySegment = await Promise.all(segments.map((s) => check({ segment: s })));
        bySegment.forEach((s, i) => expect(s.totalAr, segments[i]).toBe(bySegmentRows.find((r) => r.groupKey === segments[i])?.total ?? '0.00'));
        const noSegment = c(bySegmentRows.find((r) => r.groupKey === null)?.total);
        expect(sum(bySegment.map((s) => c(s.totalAr))) + noSegment).toBe(c(all.totalAr));

        // collector, and a combined cut that is a subset of both of its parts
        const byCollectorRows = await agingReport(t.wh, { ...base, groupBy: 'collector' });
        const byCollector = await Promise.all(['K1', 'K2'].map((k) => check({ collectorId: k })));
        expect(sum(byCollector.map((s) => c(s.totalAr))) + c(byCollectorRows.find((r) => r.groupKey === null)?.total)).toBe(c(all.totalAr));
        const both = await check({ segment: 'enterprise', collectorId: 'K1', documentCurrency: 'EUR' });
        const [expectedBoth] = await agingReport(t.wh, { ...base, scope: { documentCurrency: 'EUR', collectorId: 'K1' }, groupBy: 'segment' }).then((rows) =>
          rows.filter((r) => r.groupKey === 'enterprise'),
        );
        expect(both.totalAr).toBe(expectedBoth?.total ?? '0.00');
      }),
      { numRuns: 4, seed: 20261202 },
    );
  });
});
