/**
 * Property: on random multi-currency ledgers with disputes spread over segments and collectors, the filtered
 * dispute analytics (GET /disputes/causes with the CFO filters) partition the whole book's:
 * - by document currency, the cuts' disputes, disputed amount, every cause's count and amount, every month,
 *   leakage, invoices issued and invoiced amount, and resolved disputes sum to the whole to the cent, less only
 *   the disputes on an invoice the warehouse does not have (they have no document currency);
 * - by segment (and by collector), the cuts plus the disputes of customers with none sum to the whole;
 * - a combined cut is never larger than either of its parts.
 * Each dispute is converted and rounded once, so exact sums are the right expectation.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../core/as-of.ts';
import { parseMoney } from '../../core/money.ts';
import { queryModel } from '../../models/dag.ts';
import { disputeCauses } from '../../models/disputes.ts';
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
const SEGMENTS = ['enterprise', 'smb', 'public'];
const COLLECTORS = ['K1', 'K2'];
const CURRENCIES = ['USD', 'EUR', 'GBP'] as const;
const CAUSES = ['pricing', 'short_shipment', 'damaged_goods', 'unspecified'] as const;

const customer = fc.constantFrom(...CUSTOMERS.map((c) => c.id));
const day = fc.integer({ min: 0, max: 200 });
const dispute = fc.record({
  share: fc.double({ min: 0.01, max: 1, noNaN: true }),
  lag: fc.integer({ min: 0, max: 40 }),
  cause: fc.constantFrom(...CAUSES),
  resolvedAfter: fc.option(fc.integer({ min: 0, max: 90 })),
  // the dispute names no customer: its invoice's counts
  anonymous: fc.boolean(),
});
const ledgerArb = fc.record({
  invoices: fc.array(
    fc.record({
      customer,
      currency: fc.constantFrom(...CURRENCIES),
      day,
      cents: fc.integer({ min: 100, max: 400_000 }),
      disputes: fc.array(dispute, { maxLength: 2 }),
      credited: fc.option(fc.record({ share: fc.double({ min: 0.05, max: 0.5, noNaN: true }), lag: fc.integer({ min: 0, max: 60 }) })),
    }),
    { minLength: 1, maxLength: 10 },
  ),
  // disputes on invoices the warehouse does not have (an ERP export ahead of the invoices file)
  orphans: fc.array(fc.record({ customer: fc.option(customer), day, cents: fc.integer({ min: 100, max: 50_000 }), cause: fc.constantFrom(...CAUSES) }), { maxLength: 2 }),
  rates: fc.record({ EUR: fc.integer({ min: 90, max: 130 }), GBP: fc.integer({ min: 110, max: 150 }) }),
  to: fc.integer({ min: 60, max: 260 }),
});

let t: TestWarehouse;
beforeAll(async () => {
  t = await tempWarehouse();
});
afterAll(() => t.cleanup());

const c = (s: string | null | undefined) => parseMoney(s ?? '0') ?? 0n;
const sum = (xs: readonly bigint[]) => xs.reduce((a, b) => a + b, 0n);
const total = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

type Causes = Awaited<ReturnType<typeof disputeCauses>>;
type Fact = {
  dispute_id: string;
  invoice_id: string;
  customer_id: string | null;
  cause: string;
  opened_month: string;
  resolved_date: string | null;
  amount_base: string;
  leakage_base: string;
};

/** The additive figures of a dispute report, by name, so a partition can be checked figure by figure. */
function additive(r: Causes): Map<string, bigint> {
  const out = new Map<string, bigint>([
    ['disputes', BigInt(r.disputes)],
    ['disputed amount', c(r.disputedAmount)],
    ['leakage', c(r.leakage)],
    ['resolved disputes', BigInt(r.resolvedDisputes)],
    ['resolved amount', c(r.resolvedAmount)],
  ]);
  for (const x of r.causes) {
    out.set(`${x.cause} count`, BigInt(x.count));
    out.set(`${x.cause} amount`, c(x.amount));
    out.set(`${x.cause} leakage`, c(x.leakage));
  }
  for (const m of r.months) {
    out.set(`${m.month} ${m.cause} count`, BigInt(m.count));
    out.set(`${m.month} ${m.cause} amount`, c(m.amount));
  }
  return out;
}

/** The same figures computed from per-dispute facts (the disputes a dimension's cuts cannot hold). */
function additiveOf(facts: readonly Fact[]): Map<string, bigint> {
  const out = new Map<string, bigint>();
  const add = (k: string, v: bigint) => out.set(k, (out.get(k) ?? 0n) + v);
  for (const f of facts) {
    add('disputes', 1n);
    add('disputed amount', c(f.amount_base));
    add('leakage', c(f.leakage_base));
    if (f.resolved_date !== null) {
      add('resolved disputes', 1n);
      add('resolved amount', c(f.amount_base));
    }
    add(`${f.cause} count`, 1n);
    add(`${f.cause} amount`, c(f.amount_base));
    add(`${f.cause} leakage`, c(f.leakage_base));
    add(`${f.opened_month} ${f.cause} count`, 1n);
    add(`${f.opened_month} ${f.cause} amount`, c(f.amount_base));
  }
  return out;
}

/** Sum of the figures of several reports; a figure missing from one (a cause it lacks) counts zero there. */
function sumOf(parts: readonly Map<string, bigint>[]): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  for (const p of parts) for (const [k, v] of p) out[k] = (out[k] ?? 0n) + v;
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== 0n));
}

describe('filtered dispute analytics partition the book', () => {
  it('by document currency up to orphan disputes, by segment and collector up to the customers with none', { timeout: 600_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(ledgerArb, async (g) => {
        await resetLedger(t.wh);
        const l = new Ledger(t.wh);
        for (const k of COLLECTORS) await l.collector(k);
        for (const cu of CUSTOMERS) {
          await l.customer(cu.id, { ...(cu.collector ? { collector: cu.collector } : {}) });
          await t.wh.run('update customers set segment = $1 where customer_id = $2', [cu.segment, cu.id]);
        }
        const on = (d: number) => addDays(START, d);
        for (const cur of ['EUR', 'GBP'] as const) {
          await l.rate(START, cur, (g.rates[cur] / 100).toFixed(4));
          await l.rate(on(120), cur, ((g.rates[cur] + 7) / 100).toFixed(4));
        }
        let n = 0;
        for (const [i, inv] of g.invoices.entries()) {
          const id = `I${i}`;
          await l.invoice({ id, customer: inv.customer, currency: inv.currency, date: on(inv.day), due: on(inv.day + 30), amount: (inv.cents / 100).toFixed(2) });
          for (const d of inv.disputes) {
            const dId = `D${n++}`;
            const resolved = d.resolvedAfter === null ? null : on(inv.day + d.lag + d.resolvedAfter);
            await l.dispute({ id: dId, invoice: id, customer: inv.customer, opened: on(inv.day + d.lag), amount: (Math.max(1, Math.round(inv.cents * d.share)) / 100).toFixed(2), cause: d.cause, resolved });
            if (d.anonymous) await t.wh.run('update disputes set customer_id = null where dispute_id = $1', [dId]);
          }
          if (inv.credited) {
            const amt = (Math.max(1, Math.round(inv.cents * inv.credited.share)) / 100).toFixed(2);
            await l.credit({ customer: inv.customer, invoice: id, date: on(inv.day + inv.credited.lag), amount: amt, currency: inv.currency });
          }
        }
        for (const o of g.orphans) {
          const dId = `D${n++}`;
          await l.dispute({ id: dId, invoice: `MISSING-${dId}`, customer: o.customer ?? 'C1', opened: on(o.day), amount: (o.cents / 100).toFixed(2), cause: o.cause });
          if (o.customer === null) await t.wh.run('update disputes set customer_id = null where dispute_id = $1', [dId]);
        }

        const period = { from: START, to: on(g.to), baseCurrency: 'USD' };
        const report = (scope?: MetricScope) => disputeCauses(t.wh, { ...period, ...(scope ? { scope } : {}) });
        const whole = await report();
        const wholeFigures = sumOf([additive(whole)]);
        const facts = await queryModel<Fact>(t.wh, 'mart_dispute_facts', { from: period.from, to: period.to, as_of: period.to, base_currency: 'USD' });
        expect(facts.length).toBe(whole.disputes);
        const known = new Set((await t.wh.all<{ id: string }>('select invoice_id as id from invoices')).map((r) => r.id));

        // document currency: the cuts plus the disputes on unknown invoices are the whole, figure by figure
        const byCurrency = await Promise.all(CURRENCIES.map((cur) => report({ documentCurrency: cur })));
        expect(sumOf([...byCurrency.map(additive), additiveOf(facts.filter((f) => !known.has(f.invoice_id)))])).toEqual(wholeFigures);
        // every invoice has a currency: invoices issued and their amount partition exactly
        expect(total(byCurrency.map((r) => r.invoicesIssued))).toBe(whole.invoicesIssued);
        expect(sum(byCurrency.map((r) => c(r.invoicedAmount)))).toBe(c(whole.invoicedAmount));
        expect(total(byCurrency.map((r) => r.disputedInvoices))).toBe(whole.disputedInvoices);

        // segment and collector: the cuts plus the disputes of customers with none (or unknown) are the whole
        const segmentOf = (id: string | null) => CUSTOMERS.find((cu) => cu.id === id)?.segment ?? null;
        const collectorOf = (id: string | null) => CUSTOMERS.find((cu) => cu.id === id)?.collector ?? null;
        const bySegment = await Promise.all(SEGMENTS.map((s) => report({ segment: s })));
        expect(sumOf([...bySegment.map(additive), additiveOf(facts.filter((f) => segmentOf(f.customer_id) === null))])).toEqual(wholeFigures);
        const byCollector = await Promise.all(COLLECTORS.map((k) => report({ collectorId: k })));
        expect(sumOf([...byCollector.map(additive), additiveOf(facts.filter((f) => collectorOf(f.customer_id) === null))])).toEqual(wholeFigures);

        // a combined cut is exactly its disputes: customer in both, invoice in the currency
        const both = await report({ segment: 'enterprise', collectorId: 'K1', documentCurrency: 'EUR' });
        const eurInvoices = new Set((await t.wh.all<{ id: string }>("select invoice_id as id from invoices where currency = 'EUR'")).map((r) => r.id));
        const inBoth = facts.filter((f) => segmentOf(f.customer_id) === 'enterprise' && collectorOf(f.customer_id) === 'K1' && eurInvoices.has(f.invoice_id));
        expect(sumOf([additive(both)])).toEqual(sumOf([additiveOf(inBoth)]));
      }),
      { numRuns: 8, seed: 20261203 },
    );
  });
});
