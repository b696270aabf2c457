import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStrategy } from '../../scoring/strategy.ts';
import type { WorklistEntry } from '../../scoring/worklist.ts';
import { loadWorklistInputs, writeWorklists } from '../../scoring/worklist/build.ts';
import { tempWarehouse, type TestWarehouse } from '../helpers/warehouse.ts';

const strategy = loadStrategy();
const entry = (k: number, over: Partial<WorklistEntry> = {}): WorklistEntry => ({
  customerId: `C${k}`, name: `Customer ${k}`, collectorId: k % 2 ? 'A' : null, queue: k % 2 ? 'collector' : 'team', rank: k,
  score: 1234.56 + k, totalOpen: 10_000.1 + k, totalOverdue: 5_000.05, totalAtRisk: 2_500.99, maxDaysPastDue: 12, action: 'call',
  channel: 'call', step: 'first call', reasons: ['a "quoted" reason', 'second'], suppressedBy: null, contactable: true,
  items: [{ invoiceId: `I${k}`, openAmount: '10000.10', currency: 'EUR', dueDate: '2026-10-18', daysPastDue: 12, pLate: 1, pLate30: 0.4, status: 'actionable' }],
  ...over,
});

let t: TestWarehouse;
beforeAll(async () => {
  t = await tempWarehouse();
});
afterAll(() => t.cleanup());

describe('writing worklists', () => {
  it('stores every entry with exact cents, JSON reasons and items, replacing the date', async () => {
    const entries = Array.from({ length: 1_500 }, (_, k) => entry(k + 1));
    entries.push(entry(0, { queue: 'suppressed', rank: null, collectorId: null, suppressedBy: 'promise to pay due 2026-11-05' }));
    await writeWorklists(t.wh, '2026-10-30', 'USD', strategy, entries, '2026-10-30T06:00:00');
    await writeWorklists(t.wh, '2026-10-30', 'USD', strategy, entries, '2026-10-30T06:00:00');
    const n = await t.wh.one<{ n: number }>(`select count(*)::integer as n from worklist_items where as_of = '2026-10-30'`);
    expect(n?.n).toBe(1_501);
    const row = await t.wh.one<Record<string, unknown>>(
      `select collector_id, queue, rank, score, total_open::varchar as total_open, total_at_risk::varchar as total_at_risk, currency,
              reasons, items, suppressed_by, strategy_version from worklist_items where customer_id = 'C7'`,
    );
    expect(row).toMatchObject({ collector_id: 'A', queue: 'collector', rank: 7, score: 1241.56, total_open: '10007.10', total_at_risk: '2500.99', currency: 'USD', suppressed_by: null, strategy_version: strategy.version });
    expect(JSON.parse(String(row?.reasons))).toEqual(['a "quoted" reason', 'second']);
    expect(JSON.parse(String(row?.items))).toEqual(entry(7).items);
    const held = await t.wh.one<Record<string, unknown>>(`select rank, collector_id, suppressed_by from worklist_items where customer_id = 'C0'`);
    expect(held).toEqual({ rank: null, collector_id: null, suppressed_by: 'promise to pay due 2026-11-05' });
  });

  it('writes inside a caller\'s transaction scope: nothing is visible if the scope fails afterwards', async () => {
    await expect(
      t.wh.inTransaction(async (scope) => {
        await writeWorklists(scope, '2026-10-31', 'USD', strategy, [entry(1), entry(2)], '2026-10-31T06:00:00');
        const inside = await scope.one<{ n: number }>(`select count(*)::integer as n from worklist_items where as_of = '2026-10-31'`);
        expect(inside?.n).toBe(2);
        throw new Error('a later stage failed');
      }),
    ).rejects.toThrow(/later stage failed/);
    const after = await t.wh.one<{ n: number }>(`select count(*)::integer as n from worklist_items where as_of = '2026-10-31'`);
    expect(after?.n).toBe(0);
  });

  it('reads the inputs as of the date: a promise logged later is not seen, payment quantiles become days from the date', async () => {
    await t.wh.run(`insert into customers (customer_id, name, currency, collector_id) values ('K1', 'Kay', 'USD', 'A')`);
    await t.wh.run(`insert into invoices (invoice_id, customer_id, invoice_date, due_date, amount, currency) values
      ('J1', 'K1', '2026-09-01', '2026-10-01', 1000, 'USD'), ('J2', 'K1', '2026-09-10', '2026-10-10', 2000, 'USD')`);
    for (const inv of ['J1', 'J2']) {
      await t.wh.run(
        `insert into invoice_scores values ('2026-10-30', $1, 'K1', 1000, 'USD', '2026-10-01', 1, 0.5, 0.05, 0, '2027-01', 70, 90, 130, '2026-11-30', '[]', 't')`,
        [inv],
      );
    }
    await t.wh.run(`insert into promises_to_pay (promise_id, customer_id, invoice_id, created_date, promised_date, amount) values
      ('PR1', 'K1', 'J1', '2026-10-25', '2026-11-05', 1000), ('PR2', 'K1', 'J2', '2026-11-02', '2026-11-09', 2000)`);
    const { customers } = await loadWorklistInputs(t.wh, '2026-10-30', 'USD', strategy);
    const items = customers.find((c) => c.customerId === 'K1')?.items ?? [];
    expect(items.map((i) => [i.invoiceId, i.promisedDate])).toEqual([['J1', '2026-11-05'], ['J2', null]]);
    // J1: invoice date 2026-09-01 + 70/90/130 days = 2026-11-10 / 11-30 / 2027-01-09, i.e. 11 / 31 / 71 days after the date
    expect(items[0]?.payDays).toEqual({ p10: 11, p50: 31, p90: 71 });
    expect(items[0]?.pWriteOff).toBe(0.05);
  });
});
