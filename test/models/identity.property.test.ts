/**
 * Property: on random single-currency ledgers, the aging buckets always sum to open AR, every grouping
 * ties out to the same total, and open AR equals what an independent TS walk of the ledger gives
 * (invoices − credit notes − write-offs − payments dated ≤ D; applications only move money between lines).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../core/as-of.ts';
import { formatMoney } from '../../core/money.ts';
import { agingReport } from '../../models/metrics.ts';
import { queryModel } from '../../models/dag.ts';
import { tempWarehouse, type TestWarehouse } from '../helpers/warehouse.ts';
import { Ledger, resetLedger } from './ledger.ts';

const START = '2020-01-01';
const day = fc.integer({ min: 0, max: 240 });
const cents = fc.integer({ min: 1, max: 500_000 });

const invoiceArb = fc.record({
  customer: fc.constantFrom('C1', 'C2', 'C3'),
  day,
  terms: fc.integer({ min: 0, max: 60 }),
  cents,
  // a fraction applied by a payment, a credit note against it, a write-off (each maybe absent)
  paid: fc.option(fc.record({ share: fc.double({ min: 0.01, max: 1.2, noNaN: true }), lag: fc.integer({ min: 0, max: 120 }) })),
  credited: fc.option(fc.record({ share: fc.double({ min: 0.01, max: 0.5, noNaN: true }), lag: fc.integer({ min: 0, max: 90 }) })),
  writtenOff: fc.option(fc.record({ share: fc.double({ min: 0.01, max: 0.5, noNaN: true }), lag: fc.integer({ min: 0, max: 200 }) })),
  instalments: fc.boolean(),
});
const ledgerArb = fc.record({
  invoices: fc.array(invoiceArb, { minLength: 1, maxLength: 8 }),
  advances: fc.array(fc.record({ customer: fc.constantFrom('C1', 'C2', 'C3'), day, cents }), { maxLength: 2 }),
  credits: fc.array(fc.record({ customer: fc.constantFrom('C1', 'C2', 'C3'), day, cents, refund: fc.option(fc.record({ share: fc.double({ min: 0.1, max: 1, noNaN: true }), lag: fc.integer({ min: 0, max: 60 }) })) }), { maxLength: 2 }),
  asOf: fc.integer({ min: 0, max: 300 }),
  edges: fc.constantFrom('0,30,60,90,120', '0,15,45', '0,7,14,21,28,60,365'),
});

let t: TestWarehouse;
beforeAll(async () => {
  t = await tempWarehouse();
});
afterAll(() => t.cleanup());

const money = (c: number) => formatMoney(BigInt(c));

describe('open AR identities on random ledgers', () => {
  it('buckets sum to open AR, groupings tie out, and open AR matches an independent walk of the ledger', async () => {
    await fc.assert(
      fc.asyncProperty(ledgerArb, async (g) => {
        await resetLedger(t.wh);
        const l = new Ledger(t.wh);
        for (const c of ['C1', 'C2', 'C3']) await l.customer(c);
        const D = addDays(START, g.asOf);
        const on = (d: number) => addDays(START, d);
        let expected = 0;
        let expectedInvoices = 0;
        let expectedCash = 0;
        let expectedCredits = 0;
        for (const [i, inv] of g.invoices.entries()) {
          const id = `I${i}`;
          await l.invoice({ id, customer: inv.customer, date: on(inv.day), due: on(inv.day + inv.terms), amount: money(inv.cents) });
          if (inv.instalments && inv.cents >= 3) {
            const first = Math.floor(inv.cents / 3);
            await l.instalment(id, 1, on(inv.day + inv.terms), money(first));
            await l.instalment(id, 2, on(inv.day + inv.terms + 30), money(inv.cents - first));
          }
          const live = inv.day <= g.asOf;
          if (live) {
            expected += inv.cents;
            expectedInvoices += inv.cents;
          }
          if (inv.paid) {
            const c = Math.max(1, Math.round(inv.cents * inv.paid.share));
            const d = inv.day + inv.paid.lag;
            await l.pay(id, money(c), on(d), inv.customer);
            if (d <= g.asOf) {
              expected -= c;
              expectedInvoices -= c;
            }
          }
          if (inv.credited) {
            const c = Math.max(1, Math.round(inv.cents * inv.credited.share));
            const d = inv.day + inv.credited.lag;
            await l.credit({ customer: inv.customer, invoice: id, date: on(d), amount: money(c) });
            if (d <= g.asOf) {
              expected -= c;
              expectedInvoices -= c;
            }
          }
          if (inv.writtenOff) {
            const c = Math.max(1, Math.round(inv.cents * inv.writtenOff.share));
            const d = inv.day + inv.writtenOff.lag;
            await l.writeOff(id, money(c), on(d));
            if (d <= g.asOf) {
              expected -= c;
              expectedInvoices -= c;
            }
          }
        }
        for (const a of g.advances) {
          await l.payment({ customer: a.customer, date: on(a.day), amount: money(a.cents) });
          if (a.day <= g.asOf) {
            expected -= a.cents;
            expectedCash -= a.cents;
          }
        }
        for (const [i, c] of g.credits.entries()) {
          const id = `SC${i}`;
          await l.credit({ id, customer: c.customer, date: on(c.day), amount: money(c.cents) });
          if (c.day <= g.asOf) {
            expected -= c.cents;
            expectedCredits -= c.cents;
          }
          if (c.refund) {
            const r = Math.max(1, Math.round(c.cents * c.refund.share));
            const d = c.day + c.refund.lag;
            const p = await l.payment({ customer: c.customer, date: on(d), amount: money(-r) });
            await l.apply({ payment: p, creditNote: id, amount: money(r), date: on(d) });
            if (d <= g.asOf) {
              expected += r;
              expectedCredits += r;
            }
          }
        }

        const edges = g.edges.split(',').map(Number);
        const p = { as_of: D, base_currency: 'USD', bucket_edges: g.edges, basis: 'due' };
        const [pos] = await queryModel<Record<string, string>>(t.wh, 'mart_ar_position', p);
        const [all] = await agingReport(t.wh, { asOf: D, baseCurrency: 'USD', edges });
        const bucketSum = (all?.buckets ?? []).reduce((acc, b) => acc + Math.round(Number(b.amount) * 100), 0);
        expect(bucketSum).toBe(expected);
        expect(pos?.total_ar ?? '0.00').toBe(money(expected));
        expect(pos?.invoice_ar ?? '0.00').toBe(money(expectedInvoices));
        expect(pos?.unapplied_cash ?? '0.00').toBe(money(expectedCash));
        expect(pos?.unapplied_credits ?? '0.00').toBe(money(expectedCredits));
        expect(Math.round(Number(all?.buckets[0]?.amount ?? 0) * 100)).toBe(Math.round(Number(pos?.current_ar ?? 0) * 100));

        const byCustomer = await agingReport(t.wh, { asOf: D, baseCurrency: 'USD', edges, groupBy: 'customer', basis: 'invoice', currencyView: 'document' });
        expect(byCustomer.reduce((acc, r) => acc + Math.round(Number(r.total) * 100), 0)).toBe(expected);
        for (const r of byCustomer) {
          expect(r.buckets.reduce((acc, b) => acc + Math.round(Number(b.amount) * 100), 0)).toBe(Math.round(Number(r.total) * 100));
        }

        const totals = await queryModel<{ total_ar: string }>(t.wh, 'mart_ar_totals_at_dates', { base_currency: 'USD', dates: D });
        expect(totals[0]?.total_ar).toBe(money(expected));
      }),
      { numRuns: 6, seed: 20_171_231, endOnFailure: true },
    );
  }, 300_000);
});
