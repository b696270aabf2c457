import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo, type DemoResult } from '../../ingest/demo/index.ts';
import { loadDemo } from '../../ingest/demo/load.ts';
import { tempWarehouse } from '../helpers/warehouse.ts';
import { readCsv } from './csv.ts';

// The configured ranges documented in ingest/demo/README.md ("What the tests check").
const RANGES = {
  lateShare: [0.45, 0.7],
  disputeRate: [0.03, 0.1],
  partialShare: [0.03, 0.1],
  writeOffRate: [0.005, 0.04],
  usdShare: [0.45, 0.75],
} as const;

const END = '2026-10-31';
const root = mkdtempSync(join(tmpdir(), 'ar-intel-demo-'));
let a: DemoResult;
let b: DemoResult;
let c: DemoResult;

type Row = Record<string, string>;
const files: Record<string, Row[]> = {};
const rows = (name: string): Row[] => {
  const r = files[name];
  if (!r) throw new Error(`not read: ${name}`);
  return r;
};
const cents = (s: string | undefined) => Math.round(Number(s) * 100);

function hashes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const sub of ['', 'truth']) {
    for (const f of readdirSync(join(dir, sub)).filter((x) => x.endsWith('.csv'))) {
      out[join(sub, f)] = createHash('sha256').update(readFileSync(join(dir, sub, f))).digest('hex');
    }
  }
  return out;
}

beforeAll(async () => {
  a = await generateDemo({ customers: 200, seed: 7, out: join(root, 'a') });
  b = await generateDemo({ customers: 200, seed: 7, out: join(root, 'b') });
  c = await generateDemo({ customers: 200, seed: 8, out: join(root, 'c') });
  for (const kind of ['collectors', 'customers', 'orders', 'invoices', 'payments', 'applications', 'credit_notes', 'disputes', 'promises', 'activities', 'write_offs', 'fx_rates']) {
    files[kind] = readCsv(join(a.dir, `${kind}.csv`));
  }
  for (const kind of ['payment_applications', 'customer_behaviour', 'invoice_outcomes']) files[`truth/${kind}`] = readCsv(join(a.dir, 'truth', `${kind}.csv`));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('determinism', () => {
  it('reproduces byte-identical files for a seed', () => {
    const ha = hashes(a.dir);
    expect(Object.keys(ha)).toHaveLength(15);
    expect(hashes(b.dir)).toEqual(ha);
  });

  it('gives different data for a different seed', () => {
    const ha = hashes(a.dir);
    const hc = hashes(c.dir);
    for (const f of ['customers.csv', 'invoices.csv', 'payments.csv']) expect(hc[f]).not.toBe(ha[f]);
  });

  it('reports the row counts it wrote', () => {
    expect(a.counts.invoices).toBe(rows('invoices').length);
    expect(a.counts.payments).toBe(rows('payments').length);
    expect(a.counts['truth/invoice_outcomes']).toBe(rows('invoices').length);
  });
});

describe('master data', () => {
  it('has segments, industries, countries, currencies, terms, collectors and parent groups', () => {
    const customers = rows('customers');
    expect(customers).toHaveLength(200);
    expect(new Set(customers.map((r) => r.segment))).toEqual(new Set(['enterprise', 'mid', 'smb']));
    expect(new Set(customers.map((r) => r.industry)).size).toBeGreaterThanOrEqual(5);
    expect(new Set(customers.map((r) => r.country)).size).toBeGreaterThanOrEqual(4);
    expect(new Set(customers.map((r) => r.currency)).size).toBeGreaterThanOrEqual(3);
    expect(customers.some((r) => r.parent_id !== '')).toBe(true);
    expect(customers.every((r) => /@/.test(r.email ?? '') && (r.contact_name ?? '') !== '' && (r.phone ?? '') !== '')).toBe(true);
    const collectors = rows('collectors');
    expect(collectors.length).toBeGreaterThanOrEqual(8);
    expect(collectors.length).toBeLessThanOrEqual(15);
    expect(collectors.every((r) => Number(r.daily_capacity) > 0)).toBe(true);
  });

  it('invoices every payment-terms variant, each in a real share', () => {
    const invoices = rows('invoices');
    const mix = new Map<string, number>();
    for (const r of invoices) {
      const key = r.discount_pct ? `${r.discount_pct}/${r.discount_days} NET${r.terms_days}` : `NET${r.terms_days}`;
      mix.set(key, (mix.get(key) ?? 0) + 1);
    }
    for (const key of ['NET15', 'NET30', 'NET45', 'NET60', '2.00/10 NET30']) {
      expect((mix.get(key) ?? 0) / invoices.length, key).toBeGreaterThan(0.02);
    }
  });

  it('has daily (business-day) fx rates to USD for every non-USD invoice currency', () => {
    const fx = rows('fx_rates');
    const currencies = new Set(rows('invoices').map((r) => r.currency));
    const usd = rows('invoices').filter((r) => r.currency === 'USD').length / rows('invoices').length;
    expect(usd).toBeGreaterThanOrEqual(RANGES.usdShare[0]);
    expect(usd).toBeLessThanOrEqual(RANGES.usdShare[1]);
    expect(currencies.size).toBeGreaterThanOrEqual(3);
    for (const cur of currencies) {
      if (cur === 'USD') continue;
      const days = fx.filter((r) => r.currency === cur);
      expect(days.every((r) => r.base_currency === 'USD' && Number(r.rate) > 0)).toBe(true);
      // 26 months of weekdays.
      expect(days.length).toBeGreaterThan(540);
    }
  });
});

describe('behavioural distributions stay in their configured ranges', () => {
  it('late share, dispute rate, partial payments and write-offs', () => {
    const outcomes = rows('truth/invoice_outcomes');
    const paid = outcomes.filter((r) => r.paid_date !== '');
    const late = paid.filter((r) => Number(r.days_late) > 0).length / paid.length;
    expect(late).toBeGreaterThanOrEqual(RANGES.lateShare[0]);
    expect(late).toBeLessThanOrEqual(RANGES.lateShare[1]);

    const invoices = rows('invoices').length;
    const disputed = new Set(rows('disputes').map((r) => r.invoice_id)).size / invoices;
    expect(disputed).toBeGreaterThanOrEqual(RANGES.disputeRate[0]);
    expect(disputed).toBeLessThanOrEqual(RANGES.disputeRate[1]);

    const paymentsPerInvoice = new Map<string, Set<string>>();
    for (const r of rows('truth/payment_applications')) {
      const set = paymentsPerInvoice.get(r.invoice_id ?? '') ?? new Set<string>();
      set.add(r.payment_id ?? '');
      paymentsPerInvoice.set(r.invoice_id ?? '', set);
    }
    const partial = [...paymentsPerInvoice.values()].filter((s) => s.size > 1).length / paymentsPerInvoice.size;
    expect(partial).toBeGreaterThanOrEqual(RANGES.partialShare[0]);
    expect(partial).toBeLessThanOrEqual(RANGES.partialShare[1]);

    const writtenOff = new Set(rows('write_offs').map((r) => r.invoice_id)).size / invoices;
    expect(writtenOff).toBeGreaterThanOrEqual(RANGES.writeOffRate[0]);
    expect(writtenOff).toBeLessThanOrEqual(RANGES.writeOffRate[1]);
  });

  it('has every behaviour class, with defaults ending in write-offs', () => {
    const behaviour = rows('truth/customer_behaviour');
    const classes = new Set(behaviour.map((r) => r.behaviour_class));
    for (const cls of ['early', 'on_terms', 'late', 'chronic_late', 'deteriorating']) expect(classes, cls).toContain(cls);
    const defaulted = new Set(behaviour.filter((r) => r.defaulted === 'true').map((r) => r.customer_id));
    const uncollectible = rows('write_offs').filter((r) => r.reason === 'uncollectible');
    expect(uncollectible.every((r) => defaulted.has(r.customer_id ?? ''))).toBe(true);
    // Late payers really pay later than early payers.
    const cls = new Map(behaviour.map((r) => [r.customer_id, r.behaviour_class]));
    const meanLate = (k: string) => {
      const xs = rows('truth/invoice_outcomes').filter((r) => r.paid_date !== '' && cls.get(r.customer_id) === k).map((r) => Number(r.days_late));
      return xs.reduce((s, x) => s + x, 0) / xs.length;
    };
    expect(meanLate('early')).toBeLessThan(0);
    expect(meanLate('chronic_late')).toBeGreaterThan(meanLate('late'));
    expect(meanLate('late')).toBeGreaterThan(meanLate('on_terms'));
  });

  it('has every dispute cause and resolution, with causes following upstream events', () => {
    const disputes = rows('disputes');
    expect(new Set(disputes.map((r) => r.cause)).size).toBeGreaterThanOrEqual(6);
    expect(new Set(disputes.map((r) => r.resolution)).size).toBeGreaterThanOrEqual(3);
    const invoices = new Map(rows('invoices').map((r) => [r.invoice_id, r]));
    const orders = new Map(rows('orders').map((r) => [r.order_id, r]));
    for (const d of disputes.filter((r) => r.cause === 'missing_po')) expect(invoices.get(d.invoice_id)?.po_number).toBe('');
    // Short-shipment disputes raised on billing errors concern partial shipments.
    const shortBilled = disputes.filter((r) => r.cause === 'short_shipment').map((r) => invoices.get(r.invoice_id));
    const onPartial = shortBilled.filter((inv) => {
      const o = orders.get(inv?.order_id ?? '');
      return o !== undefined && cents(o.shipped_amount) < cents(o.amount);
    });
    expect(onPartial.length).toBeGreaterThan(shortBilled.length / 2);
    // Credit notes of a credit-note resolution carry the disputed amount.
    const credits = rows('credit_notes');
    for (const d of disputes.filter((r) => r.resolution === 'credit_note').slice(0, 50)) {
      expect(credits.some((cn) => cn.invoice_id === d.invoice_id && cn.amount === d.amount && cn.date === d.resolved_date)).toBe(true);
    }
  });

  it('has promises kept and broken, each preceded by a collector call', () => {
    const promises = rows('promises');
    const statuses = new Set(promises.map((r) => r.status));
    for (const s of ['kept', 'broken']) expect(statuses).toContain(s);
    const calls = new Set(rows('activities').filter((r) => r.outcome === 'promise_to_pay').map((r) => `${r.invoice_id}|${r.activity_at?.slice(0, 10)}`));
    expect(promises.every((p) => calls.has(`${p.invoice_id}|${p.created_date}`))).toBe(true);
  });
});

describe('payments and ground truth', () => {
  it('every payment is fully explained by its true applications', () => {
    const sums = new Map<string, number>();
    for (const r of rows('truth/payment_applications')) sums.set(r.payment_id ?? '', (sums.get(r.payment_id ?? '') ?? 0) + cents(r.amount));
    const payments = rows('payments');
    expect(sums.size).toBe(payments.length);
    for (const p of payments) expect(sums.get(p.payment_id ?? ''), p.payment_id).toBe(cents(p.amount));
  });

  it('writes ERP applications only for payments before the cutoff, and they are true ones', () => {
    // Default cutoff: received on or before end − 60 days (2026-09-01) → already applied in the ERP.
    const cutoff = '2026-09-02';
    const payments = new Map(rows('payments').map((p) => [p.payment_id, p]));
    const truth = new Set(rows('truth/payment_applications').map((r) => `${r.payment_id}|${r.invoice_id}|${r.amount}`));
    for (const app of rows('applications')) {
      expect((payments.get(app.payment_id)?.received_date ?? '') < cutoff).toBe(true);
      expect(truth.has(`${app.payment_id}|${app.invoice_id}|${app.amount}`)).toBe(true);
    }
    const recent = rows('payments').filter((p) => (p.received_date ?? '') >= cutoff);
    expect(recent.length).toBeGreaterThan(0);
    expect(recent.every((p) => p.customer_id === '')).toBe(true);
    expect(rows('payments').filter((p) => (p.received_date ?? '') < cutoff).every((p) => p.customer_id !== '')).toBe(true);
  });

  it('carries realistic payer names and references', () => {
    const customers = new Map(rows('customers').map((r) => [r.customer_id, r]));
    const truth = new Map<string, string[]>();
    for (const r of rows('truth/payment_applications')) truth.set(r.payment_id ?? '', [...(truth.get(r.payment_id ?? '') ?? []), r.invoice_id ?? '']);
    const invoiceCustomer = new Map(rows('invoices').map((r) => [r.invoice_id, r.customer_id]));
    let differs = 0;
    let exactRef = 0;
    let multi = 0;
    let noRef = 0;
    const payments = rows('payments');
    for (const p of payments) {
      const ids = truth.get(p.payment_id ?? '') ?? [];
      const customer = customers.get(invoiceCustomer.get(ids[0] ?? '') ?? '');
      if (customer && customer.name !== p.payer_name) differs++;
      const text = `${p.reference} ${p.remittance_text}`;
      if (ids.some((id) => text.includes(id))) exactRef++;
      if (!/\d{5,}/.test(text.replace(/CHK \d+|ACH CCD \d+|REMIT ADVICE \d+/g, ''))) noRef++;
      if (ids.length > 1) multi++;
      expect(p.bank_account).not.toBe('');
      expect(['wire', 'ach', 'check', 'card']).toContain(p.method);
    }
    expect(differs / payments.length).toBeGreaterThan(0.2);
    expect(exactRef / payments.length).toBeGreaterThan(0.3);
    expect(noRef / payments.length).toBeGreaterThan(0.05);
    expect(multi).toBeGreaterThan(10);
  });

  it('never settles more than an invoice amount, and settles what the truth says is settled', () => {
    const settled = new Map<string, number>();
    const add = (id: string | undefined, amount: string | undefined) => settled.set(id ?? '', (settled.get(id ?? '') ?? 0) + cents(amount));
    for (const r of rows('truth/payment_applications')) add(r.invoice_id, r.amount);
    for (const r of rows('credit_notes')) add(r.invoice_id, r.amount);
    for (const r of rows('write_offs')) add(r.invoice_id, r.amount);
    const outcomes = new Map(rows('truth/invoice_outcomes').map((r) => [r.invoice_id, r]));
    for (const inv of rows('invoices')) {
      const s = settled.get(inv.invoice_id ?? '') ?? 0;
      expect(s, inv.invoice_id).toBeLessThanOrEqual(cents(inv.amount));
      if (outcomes.get(inv.invoice_id)?.open_at_end === 'false') expect(s, inv.invoice_id).toBe(cents(inv.amount));
    }
  });

  it('dates nothing after the end date, leaves recent invoices open and has open orders', () => {
    const checks: [string, string][] = [
      ['orders', 'order_date'], ['invoices', 'invoice_date'], ['payments', 'received_date'], ['applications', 'applied_date'],
      ['credit_notes', 'date'], ['disputes', 'opened_date'], ['disputes', 'resolved_date'], ['promises', 'created_date'],
      ['activities', 'activity_at'], ['write_offs', 'write_off_date'], ['fx_rates', 'rate_date'], ['orders', 'shipped_date'],
    ];
    for (const [kind, col] of checks) expect(rows(kind).every((r) => (r[col] ?? '').slice(0, 10) <= END), `${kind}.${col}`).toBe(true);
    const outcomes = rows('truth/invoice_outcomes');
    const recent = outcomes.filter((r) => (r.due_date ?? '') > END);
    expect(recent.filter((r) => r.open_at_end === 'true').length / recent.length).toBeGreaterThan(0.7);
    // The truth keeps the would-be pay date of invoices still open at the end.
    expect(outcomes.some((r) => r.open_at_end === 'true' && (r.paid_date ?? '') > END)).toBe(true);
    const open = rows('orders').filter((r) => r.status === 'open');
    expect(open.length).toBeGreaterThan(0);
    expect(open.every((r) => r.shipped_date === '' && (r.expected_invoice_date ?? '') > END)).toBe(true);
  });
});

describe('referential integrity', () => {
  it('every reference points at a generated row', () => {
    const ids = (kind: string, col: string) => new Set(rows(kind).map((r) => r[col]));
    const customers = ids('customers', 'customer_id');
    const collectors = ids('collectors', 'collector_id');
    const invoices = ids('invoices', 'invoice_id');
    const orders = ids('orders', 'order_id');
    const payments = ids('payments', 'payment_id');
    const refs: [string, string, Set<string | undefined>][] = [
      ['customers', 'collector_id', collectors], ['customers', 'parent_id', customers], ['orders', 'customer_id', customers],
      ['invoices', 'customer_id', customers], ['invoices', 'order_id', orders], ['applications', 'payment_id', payments],
      ['applications', 'invoice_id', invoices], ['credit_notes', 'invoice_id', invoices], ['credit_notes', 'customer_id', customers],
      ['disputes', 'invoice_id', invoices], ['disputes', 'owner', collectors], ['promises', 'invoice_id', invoices],
      ['promises', 'collector_id', collectors], ['activities', 'customer_id', customers], ['activities', 'invoice_id', invoices],
      ['write_offs', 'invoice_id', invoices], ['payments', 'customer_id', customers], ['truth/payment_applications', 'payment_id', payments],
      ['truth/payment_applications', 'invoice_id', invoices], ['truth/invoice_outcomes', 'invoice_id', invoices],
      ['truth/customer_behaviour', 'customer_id', customers],
    ];
    for (const [kind, col, target] of refs) {
      const dangling = rows(kind).filter((r) => (r[col] ?? '') !== '' && !target.has(r[col]));
      expect(dangling.length, `${kind}.${col}`).toBe(0);
    }
    for (const kind of ['invoices', 'payments', 'orders', 'disputes', 'promises', 'activities', 'credit_notes', 'write_offs']) {
      const key = Object.keys(rows(kind)[0] ?? {})[0] ?? '';
      expect(new Set(rows(kind).map((r) => r[key])).size, kind).toBe(rows(kind).length);
    }
  });
});

describe('options', () => {
  it('hits an --invoices target and rejects bad options', async () => {
    const r = await generateDemo({ customers: 50, invoices: 4000, seed: 1, months: 12, out: join(root, 'target') });
    expect(r.counts.invoices).toBeGreaterThan(3600);
    expect(r.counts.invoices).toBeLessThan(4400);
    await expect(generateDemo({ customers: 50, endDate: '2026-02-30', out: join(root, 'bad') })).rejects.toThrow(/endDate/);
  });
});

describe('--load', () => {
  it('loads every file through ingestFiles with zero rejected rows', async () => {
    const t = await tempWarehouse();
    try {
      const load = await loadDemo(t.wh, a);
      expect(load.problems).toEqual([]);
      expect(load.results).toHaveLength(12);
      const n = await t.wh.one<{ n: string }>('select count(*)::bigint as n from invoices');
      expect(Number(n?.n)).toBe(rows('invoices').length);
      const apps = await t.wh.one<{ n: string }>('select count(*)::bigint as n from payment_applications');
      expect(Number(apps?.n)).toBe(rows('applications').length);
    } finally {
      t.cleanup();
    }
  });
});
