import { describe, expect, it } from 'vitest';
import { buildWorklists, scoreCustomer, type CustomerInput, type WorkItemInput } from '../../scoring/worklist.ts';
import { loadStrategy, parseStrategy } from '../../scoring/strategy.ts';

const strategy = loadStrategy();
const AS_OF = '2026-10-30';

const item = (over: Partial<WorkItemInput> = {}): WorkItemInput => ({
  invoiceId: 'I1', openBase: 10_000, openDoc: '10000.00', currency: 'USD', dueDate: '2026-09-30', daysPastDue: 30,
  pLate: 0.95, pLate30: 0.6, pWriteOff: 0.1, payDays: { p10: 10, p50: 30, p90: 70 }, dispute: null, promisedDate: null, ...over,
});

const customer = (over: Partial<CustomerInput> = {}): CustomerInput => ({
  customerId: 'C1', name: 'Acme', collectorId: 'A', segment: 'mid', riskClass: 'C', score: 60, previousScore: 62,
  strategic: false, creditLimitBase: 100_000, exposureBase: 10_000, contact: { name: 'Pat', email: 'pat@acme.test', phone: null },
  lastContactDate: null, brokenPromiseDate: null, accountPromiseDate: null, promiseDueToday: false, items: [item()], ...over,
});

describe('worklist ranking', () => {
  it('values a contact as open × P(unpaid at the horizon) × uplift − effort and explains it in words', () => {
    const e = scoreCustomer(AS_OF, customer(), strategy, 'USD');
    // 30 days past due: uplift 0.30 (1–30 band); 30 days ahead is the payment-date median, so the item is
    // unpaid then with 0.1 (write-off) + 0.9 × 0.5; the final-notice letter costs 8; step crossed today ×1.2
    expect(e.step).toBe('final notice');
    expect(e.channel).toBe('letter');
    expect(e.score).toBeCloseTo((10_000 * 0.55 * 0.3 - 8) * 1.2, 2);
    expect(e.totalAtRisk).toBeCloseTo(5_500, 2);
    expect(e.queue).toBe('collector');
    expect(e.contactable).toBe(true);
    expect(e.reasons[0]).toBe('$10,000 overdue on 1 invoice, oldest 30 days past due');
    expect(e.reasons).toContain('reached the "final notice" step today');
    expect(e.reasons).toContain('model: 55% chance the $10,000 of invoice I1 is still unpaid on 2026-11-29 (median expected payment 2026-11-29)');
  });

  it('ranks the customer whose money the model expects to stay out above one with more money expected in soon', () => {
    const soon = customer({ customerId: 'SOON', items: [item({ openBase: 20_000, payDays: { p10: 2, p50: 6, p90: 15 }, pWriteOff: 0 })] });
    const stuck = customer({ customerId: 'STUCK', items: [item({ openBase: 12_000, payDays: { p10: 40, p50: 80, p90: 150 }, pWriteOff: 0.2 })] });
    const out = buildWorklists(AS_OF, [soon, stuck], [{ collectorId: 'A', dailyCapacity: 1 }], strategy, 'USD');
    expect(out.find((e) => e.queue === 'collector')?.customerId).toBe('STUCK');
    // items falling due after the horizon cannot be late within it
    const later = scoreCustomer(AS_OF, customer({ items: [item({ daysPastDue: -45, dueDate: '2026-12-14' })] }), strategy, 'USD');
    expect(later.totalAtRisk).toBe(0);
  });

  it('ranks higher when a promise was broken or the customer is deteriorating', () => {
    const base = scoreCustomer(AS_OF, customer(), strategy, 'USD').score;
    const broken = scoreCustomer(AS_OF, customer({ brokenPromiseDate: '2026-10-20' }), strategy, 'USD');
    const worse = scoreCustomer(AS_OF, customer({ previousScore: 80 }), strategy, 'USD');
    expect(broken.score).toBeGreaterThan(base);
    expect(broken.reasons.join(' ')).toMatch(/broke a promise to pay due 2026-10-20/);
    expect(worse.score).toBeGreaterThan(base);
    expect(worse.reasons.join(' ')).toMatch(/risk score fell from 80 to 60/);
  });

  it('routes fully disputed customers to the dispute owner and waits for promised dates', () => {
    const disputed = scoreCustomer(AS_OF, customer({ items: [item({ dispute: { disputeId: 'D1', cause: 'pricing', owner: 'Billing' } })] }), strategy, 'USD');
    expect(disputed.queue).toBe('dispute_owner');
    expect(disputed.suppressedBy).toMatch(/pricing.*Billing/);
    const promised = scoreCustomer(AS_OF, customer({ items: [item({ promisedDate: '2026-11-05' })] }), strategy, 'USD');
    expect(promised.queue).toBe('suppressed');
    expect(promised.suppressedBy).toBe('promise to pay due 2026-11-05');
    // Past the promised date plus grace the item is back in play.
    const lapsed = scoreCustomer(AS_OF, customer({ items: [item({ promisedDate: '2026-10-20' })] }), strategy, 'USD');
    expect(lapsed.queue).toBe('collector');
  });

  it('does not call again right after a contact, unless a promise broke', () => {
    const recent = scoreCustomer(AS_OF, customer({ lastContactDate: '2026-10-29' }), strategy, 'USD');
    expect(recent.queue).toBe('suppressed');
    expect(recent.suppressedBy).toMatch(/contacted 1 day ago/);
    expect(recent.contactable).toBe(false);
    expect(scoreCustomer(AS_OF, customer({ lastContactDate: '2026-10-29', brokenPromiseDate: '2026-10-25' }), strategy, 'USD').queue).toBe('collector');
  });

  it('never sends a strategic account to the agency', () => {
    const old = [item({ daysPastDue: 120, dueDate: '2026-07-02', pLate30: 0.99 })];
    expect(scoreCustomer(AS_OF, customer({ items: old }), strategy, 'USD').channel).toBe('agency');
    const strategic = scoreCustomer(AS_OF, customer({ items: old, strategic: true }), strategy, 'USD');
    expect(strategic.channel).toBe('call');
    expect(strategic.action).toMatch(/account manager/);
  });

  it('fills each collector up to capacity, best first, and sends the rest to the team queue', () => {
    const cs = [1, 2, 3, 4].map((k) => customer({ customerId: `C${k}`, items: [item({ invoiceId: `I${k}`, openBase: 1000 * k })] }));
    cs.push(customer({ customerId: 'C9', collectorId: null, items: [item({ invoiceId: 'I9' })] }));
    const out = buildWorklists(AS_OF, cs, [{ collectorId: 'A', dailyCapacity: 2 }], strategy, 'USD');
    const mine = out.filter((e) => e.queue === 'collector').sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0));
    expect(mine.map((e) => e.customerId)).toEqual(['C4', 'C3']);
    const team = out.filter((e) => e.queue === 'team').sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0));
    expect(team.map((e) => e.customerId)).toEqual(['C9', 'C2', 'C1']);
    expect(team.map((e) => e.rank)).toEqual([1, 2, 3]);
  });

  it('validates strategies and names the broken field', () => {
    const good = loadStrategy();
    expect(() => parseStrategy({ ...good, treatments: good.treatments.slice(0, 1) }, 'x.json')).toThrow(/last treatment must apply to everyone/);
    expect(() => parseStrategy({ ...good, effort: { call: -1 } }, 'x.json')).toThrow(/effort/);
  });
});
