/**
 * The persisted balance segments: the table holds exactly what the int_item_segments model computes,
 * point-in-time models read it and give the same rows as the all-inline statement, and any change to
 * the ledger (insert, amount or date correction, delete) is seen by the next query, never a stale table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindParams, compile, persistedIn, queryModel } from '../../models/dag.ts';
import { PERSISTED_MODELS, sourceFingerprint } from '../../models/persisted.ts';
import { arSummary } from '../../models/metrics.ts';
import { tempWarehouse, type TestWarehouse } from '../helpers/warehouse.ts';
import { Ledger } from './ledger.ts';

const P = { as_of: '2024-03-31', base_currency: 'USD', bucket_edges: '0,30,60,90,120', basis: 'due' };
let t: TestWarehouse;
let l: Ledger;
beforeAll(async () => {
  t = await tempWarehouse();
  l = new Ledger(t.wh);
  await l.customer('C1');
  await l.invoice({ id: 'A', date: '2024-01-05', due: '2024-02-04', amount: 1000 });
  await l.invoice({ id: 'B', date: '2024-02-10', due: '2024-03-10', amount: 500 });
  await l.pay('A', 400, '2024-02-01');
  await l.pay('A', 600, '2024-04-15');
  await l.credit({ invoice: 'B', date: '2024-03-05', amount: 50 });
  await l.payment({ id: 'ADV', date: '2024-03-20', amount: 70 });
});
afterAll(() => t.cleanup());

const openItems = async (asOf: string, persisted: boolean) => {
  const inner = persisted ? compile('mart_open_items', {}, PERSISTED_MODELS) : compile('mart_open_items');
  const sql = `select item_kind, item_id, line_no, open_amount::varchar as a, open_base::varchar as b, bucket
               from (${inner}) order by item_kind, item_id, line_no`;
  return t.wh.all(sql, bindParams(sql, { ...P, as_of: asOf }));
};

describe('persisted item balance segments', () => {
  it('are rebuilt to exactly the rows of the model, and readers agree with the inline statement', async () => {
    expect(persistedIn('mart_open_items').map((p) => p.table)).toEqual(['item_balance_segments']);
    await queryModel(t.wh, 'int_item_balances', P);
    const cols = 'item_kind, item_id, valid_from::varchar, valid_until::varchar, balance::varchar, customer_id, currency';
    const table = await t.wh.all(`select ${cols} from item_balance_segments order by all`);
    const model = await t.wh.all(`select ${cols} from (${compile('int_item_segments')}) order by all`);
    expect(table).toEqual(model);
    expect(table.length).toBeGreaterThan(0);
    for (const d of ['2024-01-04', '2024-01-31', '2024-02-01', '2024-03-31', '2024-04-15']) {
      expect(await openItems(d, true), d).toEqual(await openItems(d, false));
    }
  });

  it('an application dated after the as-of date never reduces AR at that date', async () => {
    const s = await arSummary(t.wh, { asOf: '2024-03-31', baseCurrency: 'USD' });
    expect(s.invoiceAr).toBe('1050.00');
    expect(s.unappliedCash).toBe('-70.00');
  });

  it('sees inserts, corrections and deletes made after the table was built', async () => {
    const before = await arSummary(t.wh, { asOf: '2024-03-31', baseCurrency: 'USD' });
    expect(before.totalAr).toBe('980.00');
    await l.pay('B', 100, '2024-03-25');
    expect((await arSummary(t.wh, { asOf: '2024-03-31', baseCurrency: 'USD' })).invoiceAr).toBe('950.00');
    await t.wh.run("update invoices set amount = 2000 where invoice_id = 'A'");
    expect((await arSummary(t.wh, { asOf: '2024-03-31', baseCurrency: 'USD' })).invoiceAr).toBe('1950.00');
    await t.wh.run("update payments set received_date = date '2024-04-02' where payment_id = 'ADV'");
    expect((await arSummary(t.wh, { asOf: '2024-03-31', baseCurrency: 'USD' })).unappliedCash).toBe('0.00');
    await t.wh.run("delete from credit_notes where invoice_id = 'B'");
    expect((await arSummary(t.wh, { asOf: '2024-03-31', baseCurrency: 'USD' })).invoiceAr).toBe('2000.00');
  });

  it('fingerprints the canonical sources of the model, changing when a source row changes', async () => {
    const sources = persistedIn('mart_open_items')[0]?.sources ?? [];
    expect(sources).toEqual(['credit_notes', 'invoices', 'payment_applications', 'payments', 'write_offs']);
    const a = await sourceFingerprint(t.wh, sources);
    expect(await sourceFingerprint(t.wh, sources)).toBe(a);
    await l.writeOff('A', 1, '2024-03-30');
    expect(await sourceFingerprint(t.wh, sources)).not.toBe(a);
  });
});
