import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FxRates, fxAllocations, fxFit } from '../../scoring/cash-application/match-fx.ts';
import { MatchContext, decide, type OpenItem, type PaymentToMatch } from '../../scoring/cash-application/matcher.ts';
import { runCashApplication } from '../../scoring/cash-application/run.ts';
import { decideMatch } from '../../scoring/cash-application/confirm.ts';
import { cashApplicationOptions } from '../../scoring/cash-application/stage.ts';
import { arSummary } from '../../models/metrics.ts';
import { tempWarehouse, type TestWarehouse } from '../helpers/warehouse.ts';

function inv(id: string, customerId: string, cents: bigint, currency: string, extra: Partial<OpenItem> = {}): OpenItem {
  return {
    kind: 'invoice',
    id,
    customerId,
    currency,
    documentDate: '2026-03-01',
    dueDate: '2026-03-31',
    amountCents: cents,
    openCents: cents,
    poNumber: null,
    taxCents: null,
    discountPct: null,
    discountDays: null,
    ...extra,
  };
}

function pay(amountCents: bigint, currency: string, extra: Partial<PaymentToMatch> = {}): PaymentToMatch {
  return {
    paymentId: 'P1',
    customerId: null,
    payerName: null,
    receivedDate: '2026-04-01',
    valueDate: null,
    amountCents,
    currency,
    reference: null,
    remittanceText: null,
    bankAccount: null,
    ...extra,
  };
}

// 1 EUR = 1.10 USD and 1 GBP = 1.25 USD, quoted against USD on the last business day before 1 April.
const RATES = [
  { rateDate: '2026-03-02', currency: 'EUR', baseCurrency: 'USD', rate: 1.05 },
  { rateDate: '2026-03-30', currency: 'EUR', baseCurrency: 'USD', rate: 1.1 },
  { rateDate: '2026-03-30', currency: 'GBP', baseCurrency: 'USD', rate: 1.25 },
];

describe('FX rates as of a date', () => {
  const fx = new FxRates(RATES);

  it('uses the latest quote on or before the date, directly and across the common base', () => {
    expect(fx.convert('EUR', 'USD', '2026-04-01')?.rate).toBeCloseTo(1.1, 10);
    expect(fx.convert('USD', 'EUR', '2026-04-01')?.rate).toBeCloseTo(1 / 1.1, 10);
    expect(fx.convert('EUR', 'USD', '2026-03-05')?.rate).toBeCloseTo(1.05, 10);
    expect(fx.convert('GBP', 'EUR', '2026-04-01')?.rate).toBeCloseTo(1.25 / 1.1, 10);
    expect(fx.convert('USD', 'EUR', '2026-04-01')?.rateDate).toBe('2026-03-30');
    expect(fx.convert('USD', 'USD', '2026-04-01')?.rate).toBe(1);
  });

  it('refuses a rate older than a week and a currency it has never seen', () => {
    expect(fx.convert('USD', 'EUR', '2026-03-01')).toBeNull(); // before the first quote
    expect(fx.convert('USD', 'GBP', '2026-04-10')).toBeNull(); // last quote 11 days old
    expect(fx.convert('USD', 'CHF', '2026-04-01')).toBeNull();
  });

  it('settles the documents in full and spends exactly the whole payment on them', () => {
    const items = [inv('A', 'C1', 30_000n, 'EUR'), inv('B', 'C1', 70_001n, 'EUR')];
    const allocs = fxAllocations(items, 110_003n, 1.1);
    expect(allocs.map((a) => a.cents)).toEqual([30_000n, 70_001n]);
    expect(allocs.reduce((s, a) => s + (a.paymentCents ?? 0n), 0n)).toBe(110_003n);
    expect(fxFit({ rate: 1 / 1.1, rateDate: '2026-03-30', how: '' }, 109_500n, 100_000n, 0.02)).toMatchObject({ convertedCents: 99_545n, within: true });
    expect(fxFit({ rate: 1 / 1.1, rateDate: '2026-03-30', how: '' }, 90_000n, 100_000n, 0.02).within).toBe(false);
  });
});

describe('cross-currency matching', () => {
  const customers = [
    { customerId: 'C1', name: 'Müller Maschinenbau GmbH' },
    { customerId: 'C2', name: 'Contoso Pharmaceuticals Inc.' },
  ];
  function context(items: OpenItem[]): MatchContext {
    const ctx = new MatchContext(items, customers);
    ctx.fx = new FxRates(RATES);
    return ctx;
  }

  it('applies a USD payment to the EUR invoice it names when the converted amount is within tolerance, saying so', () => {
    const ctx = context([inv('INV-7001', 'C1', 100_000n, 'EUR'), inv('INV-7002', 'C1', 40_000n, 'EUR')]);
    const out = decide(ctx, pay(109_500n, 'USD', { payerName: 'MUELLER MASCHINENBAU', remittanceText: 'Invoice INV-7001' }));
    expect(out.decision).toBe('auto');
    const top = out.candidates[0];
    expect(top?.rule).toBe('reference_fx');
    expect(top?.allocations).toEqual([{ kind: 'invoice', id: 'INV-7001', cents: 100_000n, discounted: false, paymentCents: 109_500n, fxRate: 1 / 1.1 }]);
    expect(top?.onAccountCents).toBe(0n);
    expect(top?.deduction).toBeNull();
    expect(top?.evidence.join(' ')).toMatch(/paid 1095\.00 USD = 995\.45 EUR .* against 1000\.00 EUR open: difference 0\.46%, within the 2\.00% cross-currency tolerance/);
  });

  it('queues the named invoice when the converted amount is beyond tolerance, and when there is no recent rate', () => {
    const ctx = context([inv('INV-7001', 'C1', 100_000n, 'EUR')]);
    const off = decide(ctx, pay(90_000n, 'USD', { remittanceText: 'INV-7001' }));
    expect(off.decision).toBe('exception');
    expect(off.candidates[0]?.rule).toBe('reference_fx_mismatch');
    expect(off.candidates[0]?.evidence.join(' ')).toMatch(/beyond the 2\.00%/);

    const stale = decide(ctx, pay(109_500n, 'USD', { remittanceText: 'INV-7001', receivedDate: '2026-04-20' }));
    expect(stale.decision).toBe('exception');
    expect(stale.candidates[0]?.rule).toBe('reference_fx_no_rate');
    // the value date, not the received date, picks the rate
    const valued = decide(ctx, pay(109_500n, 'USD', { remittanceText: 'INV-7001', receivedDate: '2026-04-20', valueDate: '2026-04-01' }));
    expect(valued.decision).toBe('auto');
  });

  it('converts across the common base (GBP payment, EUR invoice)', () => {
    const ctx = context([inv('INV-7001', 'C1', 100_000n, 'EUR')]);
    const out = decide(ctx, pay(87_700n, 'GBP', { remittanceText: 'INV-7001', payerName: 'Muller Maschinenbau' }));
    expect(out.decision).toBe('auto');
    expect(out.candidates[0]?.evidence.join(' ')).toMatch(/GBP→EUR from USD quotes/);
  });

  it('matches on amount alone when the customer has nothing open in the payment currency and one invoice fits', () => {
    const ctx = context([inv('INV-8001', 'C2', 50_000n, 'EUR'), inv('INV-8002', 'C2', 200_000n, 'EUR')]);
    const out = decide(ctx, pay(55_000n, 'USD', { customerId: 'C2' }));
    expect(out.decision).toBe('auto');
    expect(out.candidates[0]).toMatchObject({ rule: 'amount_fx', customerId: 'C2' });
    expect(out.candidates[0]?.allocations.map((a) => a.id)).toEqual(['INV-8001']);
  });

  it('never auto-applies when several invoices fit the converted amount, nor when the payer is unknown', () => {
    const ctx = context([inv('INV-8001', 'C2', 50_000n, 'EUR'), inv('INV-8003', 'C2', 50_500n, 'EUR')]);
    const out = decide(ctx, pay(55_000n, 'USD', { customerId: 'C2' }));
    expect(out.decision).toBe('exception');
    expect(out.candidates.filter((c) => c.rule === 'amount_fx_ambiguous')).toHaveLength(2);
    const unknown = decide(context([inv('INV-8001', 'C2', 50_000n, 'EUR')]), pay(55_000n, 'USD'));
    expect(unknown.decision).toBe('exception');
  });

  it('takes its tolerance from AR_INTEL_CASH_APP_FX_TOLERANCE', () => {
    expect(cashApplicationOptions({}).fxTolerance).toBe(0.02);
    const wide = cashApplicationOptions({ AR_INTEL_CASH_APP_FX_TOLERANCE: '0.12' });
    expect(wide.fxTolerance).toBe(0.12);
    expect(() => cashApplicationOptions({ AR_INTEL_CASH_APP_FX_TOLERANCE: '0.5' })).toThrow(/AR_INTEL_CASH_APP_FX_TOLERANCE/);
    const ctx = new MatchContext([inv('INV-7001', 'C1', 100_000n, 'EUR')], customers, wide);
    ctx.fx = new FxRates(RATES);
    // 900 USD = 818.18 EUR: 18% short — beyond even the wide tolerance; 1,000 USD = 909.09 EUR is within it
    expect(decide(ctx, pay(90_000n, 'USD', { remittanceText: 'INV-7001' })).candidates[0]?.rule).toBe('reference_fx_mismatch');
    expect(decide(ctx, pay(100_000n, 'USD', { remittanceText: 'INV-7001' })).candidates[0]?.rule).toBe('reference_fx');
  });

  it('prefers a same-currency match: without FX rates nothing changes for same-currency payments', () => {
    const ctx = context([inv('INV-9001', 'C2', 50_000n, 'USD'), inv('INV-8001', 'C2', 50_000n, 'EUR')]);
    const out = decide(ctx, pay(50_000n, 'USD', { customerId: 'C2' }));
    expect(out.candidates[0]).toMatchObject({ rule: 'amount_exact' });
    expect(out.candidates[0]?.allocations[0]?.paymentCents).toBeUndefined();
  });
});

describe('cross-currency applications in the warehouse', () => {
  let t: TestWarehouse;
  const AS_OF = '2026-04-30';
  beforeAll(async () => {
    t = await tempWarehouse();
    await t.wh.run(`insert into customers (customer_id, name, currency) values ('C1', 'Müller Maschinenbau GmbH', 'EUR'), ('C2', 'Contoso Pharmaceuticals Inc.', 'EUR')`);
    await t.wh.run(`insert into invoices (invoice_id, customer_id, invoice_date, due_date, amount, currency) values
      ('INV-7001', 'C1', '2026-03-01', '2026-03-31', 1000.00, 'EUR'),
      ('INV-7002', 'C2', '2026-03-01', '2026-03-31', 1000.00, 'EUR')`);
    await t.wh.run(`insert into fx_rates (rate_date, currency, base_currency, rate) values ('2026-03-30', 'EUR', 'USD', 1.1)`);
    await t.wh.run(`insert into payments (payment_id, customer_id, payer_name, received_date, value_date, amount, currency, reference, remittance_text, bank_account, bank_reference) values
      ('PX1', null, 'MUELLER MASCHINENBAU', '2026-04-02', '2026-04-01', 1095.00, 'USD', 'INV-7001', null, 'DE12 3456', 'BR-X1'),
      ('PX2', null, 'CONTOSO', '2026-04-02', '2026-04-01', 1000.00, 'USD', 'INV-7002', null, 'US99 1111', 'BR-X2')`);
  });
  afterAll(() => t.cleanup());

  it('stores the document-currency amount, the payment-currency amount and the rate; re-runs apply nothing twice', async () => {
    const first = await runCashApplication(t.wh, AS_OF);
    expect(first).toMatchObject({ payments: 2, autoApplied: 1, exceptions: 1 });
    const rows = await t.wh.all<{ payment_id: string; invoice_id: string; amount: string; payment_amount: string | null; fx_rate: string | null; rule: string }>(
      `select payment_id, invoice_id, amount::varchar as amount, payment_amount::varchar as payment_amount, fx_rate::varchar as fx_rate, rule
       from payment_applications order by payment_id`,
    );
    expect(rows).toEqual([{ payment_id: 'PX1', invoice_id: 'INV-7001', amount: '1000.00', payment_amount: '1095.00', fx_rate: '0.90909091', rule: 'reference_fx' }]);
    const again = await runCashApplication(t.wh, AS_OF);
    expect(again.payments).toBe(1); // only PX2 still has unapplied cash
    expect(again.autoApplied).toBe(0);
  });

  it('a person confirming a cross-currency candidate settles the invoice and uses up the payment', async () => {
    const exc = await t.wh.one<{ candidates: string }>(`select candidates from cash_app_exceptions where payment_id = 'PX2' and status = 'open'`);
    const candidates = JSON.parse(exc?.candidates ?? '[]') as { rank: number; rule: string; allocations: { paymentAmount?: string }[] }[];
    const fxCandidate = candidates.find((c) => c.rule === 'reference_fx_mismatch');
    expect(fxCandidate?.allocations[0]?.paymentAmount).toBe('1000.00');
    const result = await decideMatch(t.wh, { paymentId: 'PX2', action: 'confirm', candidate: fxCandidate?.rank ?? 0 }, '2026-05-01T10:00:00');
    expect(result.applications).toEqual([{ invoiceId: 'INV-7002', creditNoteId: null, amount: '1000.00' }]);
    const row = await t.wh.one<{ payment_amount: string }>(`select payment_amount::varchar as payment_amount from payment_applications where payment_id = 'PX2'`);
    expect(row?.payment_amount).toBe('1000.00');
    const after = await runCashApplication(t.wh, AS_OF);
    expect(after.payments).toBe(0);
    // The AR models see both invoices settled and no cash left unapplied (each payment is consumed in its
    // own currency, each invoice in its own), not a 95 USD remainder of PX1.
    const summary = await arSummary(t.wh, { asOf: AS_OF, baseCurrency: 'USD' });
    expect([summary.totalAr, summary.unappliedCash]).toEqual(['0.00', '0.00']);
  });
});
