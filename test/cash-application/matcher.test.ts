import { describe, expect, it } from 'vitest';
import { MatchContext, decide, proposeMatches, type OpenItem, type PaymentToMatch } from '../../scoring/cash-application/matcher.ts';

function inv(id: string, customerId: string, cents: bigint, due: string, extra: Partial<OpenItem> = {}): OpenItem {
  return {
    kind: 'invoice',
    id,
    customerId,
    currency: 'USD',
    documentDate: '2026-03-01',
    dueDate: due,
    amountCents: cents,
    openCents: cents,
    poNumber: null,
    taxCents: null,
    discountPct: null,
    discountDays: null,
    ...extra,
  };
}

function pay(amountCents: bigint, extra: Partial<PaymentToMatch> = {}): PaymentToMatch {
  return {
    paymentId: 'P1',
    customerId: null,
    payerName: null,
    receivedDate: '2026-04-01',
    valueDate: null,
    amountCents,
    currency: 'USD',
    reference: null,
    remittanceText: null,
    bankAccount: null,
    ...extra,
  };
}

const customers = [
  { customerId: 'C1', name: 'Northwind Traders Ltd' },
  { customerId: 'C2', name: 'Contoso Pharmaceuticals Inc.' },
  { customerId: 'C3', name: 'Fabrikam Group' },
  { customerId: 'C4', name: 'Fabrikam East LLC', parentId: 'C3' },
];

function ledger(): OpenItem[] {
  return [
    inv('INV-0010001', 'C1', 1000_00n, '2026-03-31', { poNumber: 'PO-4471' }),
    inv('INV-0010002', 'C1', 250_00n, '2026-04-10'),
    inv('INV-0010003', 'C1', 730_25n, '2026-04-20'),
    inv('INV-0010004', 'C2', 1000_00n, '2026-03-31'),
    inv('INV-0010005', 'C2', 499_99n, '2026-04-15', { discountPct: 2, discountDays: 10, documentDate: '2026-03-25' }),
    inv('INV-0010006', 'C4', 640_00n, '2026-04-05'),
    inv('INV-0010007', 'C3', 120_00n, '2026-04-06'),
    { ...inv('CN-0000001', 'C1', 50_00n, '2026-03-15'), kind: 'credit_note' },
  ];
}

const top = (ctx: MatchContext, p: PaymentToMatch) => proposeMatches(ctx, p)[0];

describe('reference rules', () => {
  it('applies an exact invoice reference with a matching amount', () => {
    const ctx = new MatchContext(ledger(), customers);
    const best = top(ctx, pay(1000_00n, { remittanceText: 'Payment INV-0010001', payerName: 'NORTHWIND TRADERS' }));
    expect(best).toMatchObject({ rule: 'reference_exact', customerId: 'C1' });
    expect(best?.allocations).toEqual([{ kind: 'invoice', id: 'INV-0010001', cents: 1000_00n, discounted: false }]);
    expect(best?.confidence).toBeGreaterThanOrEqual(0.95);
    expect(best?.evidence.join(' ')).toMatch(/INV-0010001/);
  });

  it('reads OCR-garbled and prefix-less references, and PO numbers', () => {
    const ctx = new MatchContext(ledger(), customers);
    expect(top(ctx, pay(250_00n, { remittanceText: 'lNV-OO1OOO2' }))).toMatchObject({ rule: 'reference_fuzzy', customerId: 'C1' });
    expect(top(ctx, pay(250_00n, { reference: '10002' }))?.allocations[0]?.id).toBe('INV-0010002');
    expect(top(ctx, pay(1000_00n, { remittanceText: 'your PO 4471' }))?.allocations[0]?.id).toBe('INV-0010001');
  });

  it('takes several references in one line, and a range', () => {
    const ctx = new MatchContext(ledger(), customers);
    const several = top(ctx, pay(1980_25n, { remittanceText: 'INV-0010001; INV-0010002, 10003' }));
    expect(several?.allocations.map((a) => a.id).sort()).toEqual(['INV-0010001', 'INV-0010002', 'INV-0010003']);
    const range = top(ctx, pay(1980_25n, { remittanceText: 'invoices INV-0010001 to 0010003' }));
    expect(range?.allocations.map((a) => a.id).sort()).toEqual(['INV-0010001', 'INV-0010002', 'INV-0010003']);
    expect(range?.rule).toBe('reference_exact');
  });

  it('finds a one-digit typo only among the open items of a customer in play', () => {
    const ctx = new MatchContext(ledger(), customers);
    const best = top(ctx, pay(730_25n, { remittanceText: 'INV-0010030', payerName: 'Northwind Traders' }));
    expect(best?.allocations.map((a) => a.id)).toEqual(['INV-0010003']);
    expect(best?.evidence.join(' ')).toMatch(/one edit/);
  });

  it('recognises an early-payment discount inside the window only', () => {
    const ctx = new MatchContext(ledger(), customers);
    const inWindow = top(ctx, pay(489_99n, { remittanceText: 'INV-0010005', receivedDate: '2026-04-03' }));
    expect(inWindow).toMatchObject({ rule: 'reference_exact_discount' });
    expect(inWindow?.allocations[0]).toMatchObject({ cents: 489_99n, discounted: true });
    const late = top(ctx, pay(489_99n, { remittanceText: 'INV-0010005', receivedDate: '2026-04-20' }));
    expect(late?.rule).toBe('reference_short_pay');
    expect(late?.deduction).toMatchObject({ invoiceId: 'INV-0010005', cents: 10_00n, cause: 'pricing' });
  });

  it('opens a short payment as a deduction with a cause, and a large gap as a partial payment', () => {
    const ctx = new MatchContext(ledger(), customers);
    const short = top(ctx, pay(950_00n, { remittanceText: 'INV-0010001 less 50.00 damaged pallets' }));
    expect(short).toMatchObject({ rule: 'reference_short_pay' });
    expect(short?.deduction).toMatchObject({ invoiceId: 'INV-0010001', cents: 50_00n, cause: 'damaged_goods' });
    const partial = top(ctx, pay(400_00n, { remittanceText: 'INV-0010001' }));
    expect(partial).toMatchObject({ rule: 'reference_partial', deduction: null });
    expect(partial?.allocations).toEqual([{ kind: 'invoice', id: 'INV-0010001', cents: 400_00n, discounted: false }]);
  });

  it('puts a small overpayment on account, and doubts a large one', () => {
    const ctx = new MatchContext(ledger(), customers);
    const over = top(ctx, pay(1010_00n, { remittanceText: 'INV-0010001' }));
    expect(over).toMatchObject({ rule: 'reference_overpayment', onAccountCents: 10_00n });
    const big = proposeMatches(ctx, pay(5000_00n, { remittanceText: 'INV-0010001' }));
    expect(big[0]?.confidence ?? 0).toBeLessThan(0.85);
  });

  it('adds unreferenced items of the customer when they explain the rest exactly', () => {
    const ctx = new MatchContext(ledger(), customers);
    const best = top(ctx, pay(1250_00n, { remittanceText: 'INV-0010001', payerName: 'Northwind Traders' }));
    expect(best?.rule).toBe('reference_plus_amount');
    expect(best?.allocations.map((a) => a.id).sort()).toEqual(['INV-0010001', 'INV-0010002']);
  });
});

describe('customer and amount rules', () => {
  it('matches the payer name to the customer and the amount to its only item of that amount', () => {
    const ctx = new MatchContext(ledger(), customers);
    const best = top(ctx, pay(730_25n, { payerName: 'NORTHWIND TRADERS LIMITED' }));
    expect(best).toMatchObject({ rule: 'amount_exact', customerId: 'C1' });
    expect(decide(ctx, pay(730_25n, { payerName: 'NORTHWIND TRADERS LIMITED' })).decision).toBe('auto');
  });

  it('does not auto-apply an amount match from a payer nobody recognises', () => {
    const ctx = new MatchContext(ledger(), customers);
    expect(decide(ctx, pay(730_25n, { payerName: 'J SMITH' })).decision).toBe('exception');
  });

  it('uses a learned payer account when the name says nothing', () => {
    const ctx = new MatchContext(ledger(), customers);
    expect(decide(ctx, pay(730_25n, { payerName: 'ACH CREDIT', bankAccount: 'DE12 3456 7890' })).decision).toBe('exception');
    ctx.learnAccount('DE1234567890', 'C1', 3);
    const out = decide(ctx, pay(730_25n, { payerName: 'ACH CREDIT', bankAccount: 'de12 3456 7890' }));
    expect(out.decision).toBe('auto');
    expect(out.candidates[0]?.evidence.join(' ')).toMatch(/payer account/);
  });

  it('finds the one combination of open items, credit notes included', () => {
    const ctx = new MatchContext(ledger(), customers);
    const best = top(ctx, pay(1200_00n, { customerId: 'C1' }));
    expect(best?.rule).toBe('amount_subset');
    expect(best?.allocations.map((a) => [a.id, a.cents])).toEqual([
      ['CN-0000001', -50_00n],
      ['INV-0010001', 1000_00n],
      ['INV-0010002', 250_00n],
    ]);
  });

  it('lets a parent pay its subsidiary', () => {
    const ctx = new MatchContext(ledger(), customers);
    const best = top(ctx, pay(760_00n, { payerName: 'FABRIKAM GROUP' }));
    expect(best?.allocations.map((a) => a.id).sort()).toEqual(['INV-0010006', 'INV-0010007']);
  });

  it('sends a payment that nothing explains to the exceptions queue with ranked candidates', () => {
    const ctx = new MatchContext(ledger(), customers);
    const out = decide(ctx, pay(123_45n, { payerName: 'Northwind Traders' }));
    expect(out.decision).toBe('exception');
    expect(out.candidates[0]?.rule).toBe('on_account_unmatched');
  });

  it('never proposes a rejected match again', () => {
    const ctx = new MatchContext(ledger(), customers);
    const p = pay(730_25n, { payerName: 'Northwind Traders' });
    expect(top(ctx, p)?.allocations[0]?.id).toBe('INV-0010003');
    ctx.reject('P1', 'I:INV-0010003');
    expect(proposeMatches(ctx, p).some((c) => c.allocations.some((a) => a.id === 'INV-0010003'))).toBe(false);
  });

  it('sees what earlier payments of the run consumed', () => {
    const items = ledger();
    const ctx = new MatchContext(items, customers);
    const byKey = new Map(items.map((i) => [`${i.kind === 'invoice' ? 'I' : 'C'}:${i.id}`, i]));
    const first = top(ctx, pay(250_00n, { remittanceText: 'INV-0010002' }));
    ctx.consume(first?.allocations ?? [], byKey);
    const again = proposeMatches(ctx, pay(250_00n, { remittanceText: 'INV-0010002' }));
    expect(again.some((c) => c.allocations.some((a) => a.id === 'INV-0010002'))).toBe(false);
  });
});

describe('every remaining rule', () => {
  it('reference_stated_amounts: believes per-document amounts that add up, partial payments included', () => {
    const ctx = new MatchContext(ledger(), customers);
    const best = top(ctx, pay(1100_00n, { remittanceText: 'INV-0010001 850.00; INV-0010002 250.00' }));
    expect(best?.rule).toBe('reference_stated_amounts');
    expect(best?.allocations.map((a) => [a.id, a.cents])).toEqual([
      ['INV-0010001', 850_00n],
      ['INV-0010002', 250_00n],
    ]);
  });

  it('reference_stated_plus_amount: the rest is one further open item', () => {
    const ctx = new MatchContext(ledger(), customers);
    const best = top(ctx, pay(1630_25n, { remittanceText: 'INV-0010001 900.00', payerName: 'Northwind Traders' }));
    expect(best?.rule).toBe('reference_stated_plus_amount');
    expect(best?.allocations.map((a) => a.id)).toEqual(['INV-0010001', 'INV-0010003']);
  });

  it('reference_subset: a payment for some of the named documents', () => {
    const ctx = new MatchContext(ledger(), customers);
    const best = top(ctx, pay(980_25n, { remittanceText: 'INV-0010002 INV-0010003 INV-0010001' }));
    expect(best?.rule).toBe('reference_subset');
    expect(best?.allocations.map((a) => a.id)).toEqual(['INV-0010002', 'INV-0010003']);
  });

  it('reference_ambiguous_amount: a typo that fits two documents, settled by the amount', () => {
    const items = [...ledger(), inv('INV-0010009', 'C1', 90_00n, '2026-04-25')];
    const ctx = new MatchContext(items, customers);
    // "10008" (no such invoice) is one edit from 10001, 10002, 10003 and 10009 of the payer; only 10009 has this amount.
    const best = top(ctx, pay(90_00n, { remittanceText: 'Inv 10008', payerName: 'Northwind Traders' }));
    expect(best?.rule).toBe('reference_ambiguous_amount');
    expect(best?.allocations.map((a) => a.id)).toEqual(['INV-0010009']);
    expect(best?.evidence.join(' ')).toMatch(/10008→4 items within one edit/);
  });

  it('amount_discount and amount_all_open', () => {
    const ctx = new MatchContext(ledger(), customers);
    expect(top(ctx, pay(489_99n, { customerId: 'C2', receivedDate: '2026-04-02' }))).toMatchObject({ rule: 'amount_discount' });
    expect(top(ctx, pay(1499_99n, { customerId: 'C2' }))).toMatchObject({ rule: 'amount_all_open' });
  });

  it('amount_short_pay and amount_overpayment are only candidates', () => {
    const ctx = new MatchContext(ledger(), customers);
    const short = decide(ctx, pay(950_00n, { customerId: 'C2' }));
    expect(short.decision).toBe('exception');
    expect(short.candidates[0]).toMatchObject({ rule: 'amount_short_pay', deduction: { invoiceId: 'INV-0010004', cents: 50_00n } });
    const over = decide(ctx, pay(9000_00n, { customerId: 'C2' }));
    expect(over.decision).toBe('exception');
    expect(over.candidates[0]).toMatchObject({ rule: 'amount_overpayment', onAccountCents: 7500_01n });
  });
});

