import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeWorklistBenchData } from '../../bench/worklist-data.ts';
import { loadStrategy } from '../../scoring/strategy.ts';
import { buildWorklists as previousBuildWorklists } from './worklist-previous.ts';
import { loadWorklistInputs, writeWorklists } from '../../scoring/worklist/build.ts';
import { buildAndStoreWorklists } from '../../scoring/worklist/pack.ts';
import { tempWarehouse, type TestWarehouse } from '../helpers/warehouse.ts';

// The set-based build (pack.ts) must store exactly what the previous implementation stored: loadWorklistInputs →
// buildWorklists → writeWorklists, with the scoring of worklist-previous.ts (scoring/worklist.ts before this
// build, verbatim) — so the test catches a change in the SQL packing and ranking and in the rewritten decision.
const AS_OF = '2026-10-30';
const strategy = loadStrategy();
let t: TestWarehouse;

const stored = async () =>
  t.wh.all<Record<string, unknown>>(`select * exclude (as_of) from worklist_items where as_of = $1::date order by customer_id`, [AS_OF]);

async function referenceBuild() {
  const { customers, collectors } = await loadWorklistInputs(t.wh, AS_OF, 'USD', strategy);
  const entries = previousBuildWorklists(AS_OF, customers, collectors, strategy, 'USD');
  await writeWorklists(t.wh, AS_OF, 'USD', strategy, entries, '2026-10-30T06:00:00');
}

beforeAll(async () => {
  t = await tempWarehouse();
  // a generated ledger: foreign currency, disputes, open/broken/due-today promises, recent contacts, no-collector customers
  await writeWorklistBenchData(t.wh, { asOf: AS_OF, openInvoices: 6_000, customers: 600, collectors: 12, dailyCapacity: 8 });
  // ids JSON must escape (quote, backslash, control characters, non-ASCII), items on one due date (order by id),
  // integral probabilities, a collector unknown to the collectors table and one with no capacity
  await t.wh.run(`insert into collectors (collector_id, name, daily_capacity) values ('K-zero', 'Zero', 0)`);
  await t.wh.run(`insert into customers (customer_id, name, currency, collector_id, segment, credit_limit) values
    ('X1', 'Odd "ids" ltd', 'USD', 'K-ghost', 'mid', 100), ('X2', 'Nobody', 'USD', 'K-zero', 'enterprise', 50000)`);
  const odd = ['Q"1', 'Q\\2', `Q${String.fromCharCode(1)}3${String.fromCharCode(31)}`, 'Qé€😀4', 'Q\n5', 'q6', 'Q6'];
  for (const [k, id] of odd.entries()) {
    await t.wh.run(`insert into invoices (invoice_id, customer_id, invoice_date, due_date, amount, currency) values ($1, $2, '2026-08-01', '2026-08-31', $3, 'USD')`, [
      id,
      k % 2 ? 'X2' : 'X1',
      1000 + k,
    ]);
    await t.wh.run(
      `insert into invoice_scores values ('${AS_OF}', $1, $2, $3, 'USD', '2026-08-31', $4, 0, 0.05, 0, '2027-01', 100, 130, 200, '2026-12-20', '[]', 'test')`,
      [id, k % 2 ? 'X2' : 'X1', 1000 + k, k % 3 === 0 ? 1 : 0.123456789],
    );
  }
});
afterAll(() => t.cleanup());

describe('set-based worklist build', () => {
  it('stores byte-equal rows to the object path on a generated ledger', async () => {
    await referenceBuild();
    const before = await stored();
    const summary = await buildAndStoreWorklists(t.wh, AS_OF, 'USD', strategy, '2026-10-30T06:00:00');
    const after = await stored();
    // the data reaches every queue, so the comparison covers ranking, capacity, disputes and suppression
    const queues = new Set(before.map((r) => r.queue));
    expect([...queues].sort()).toEqual(['collector', 'dispute_owner', 'suppressed', 'team']);
    expect(before.length).toBeGreaterThan(550);
    expect(after).toEqual(before);
    expect(summary).toEqual({
      rows: before.length,
      onCollectorLists: before.filter((r) => r.queue === 'collector').length,
      inTeamQueue: before.filter((r) => r.queue === 'team').length,
    });
    const x1 = after.find((r) => r.customer_id === 'X1');
    expect(JSON.parse(String(x1?.items)).map((i: { invoiceId: string }) => i.invoiceId)).toEqual(['Q\u00013\u001f', 'Q\n5', 'Q"1', 'Q6']);
  });

  it('is independent of what was stored before for the date', async () => {
    await t.wh.run(`update worklist_items set score = -1 where as_of = $1::date`, [AS_OF]);
    await buildAndStoreWorklists(t.wh, AS_OF, 'USD', strategy, '2026-10-30T06:00:00');
    const again = await stored();
    await referenceBuild();
    expect(again).toEqual(await stored());
  });
});

describe('JSON written in SQL', () => {
  it('matches JSON.stringify for numbers of every magnitude and strings that need escaping', async () => {
    const macros = readFileSync(new URL('../../scoring/worklist/json-macros.sql', import.meta.url), 'utf8')
      .split(/;\s*$/m)
      .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
      .filter(Boolean);
    const nums = [0, -0, 1, -1, 0.5, 1e21, -1.5e300, 1e-7, 1.5e-7, 1e-6, 123456789012.5, 1e20, 1.2345678901234567e19, 2 ** 53 + 2, 5e-324];
    let seed = 7;
    const rand = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    for (let k = 0; k < 1000; k += 1) nums.push(rand() ** (1 + 10 * rand()), (rand() - 0.3) * 10 ** Math.floor(rand() * 44 - 15), Math.round(rand() * 10 ** Math.floor(rand() * 25)));
    const strs = ['a"b', 'c\\d', '\u0001\u001f\u007f/é€\n\t\b\f\r\u000b', '😀x\u2028', '', 'plain', '</script>'];
    await t.wh.withConnection(async (conn) => {
      for (const m of macros) await conn.run(m);
      await conn.run('create temp table json_cases (k integer, x double, s varchar)');
      for (const [k, x] of nums.entries()) await conn.run('insert into json_cases values ($1, $2::double, null)', [k, x.toExponential(20)]);
      for (const [k, v] of strs.entries()) await conn.run('insert into json_cases values ($1, null, $2)', [k, v]);
      const rows = (await conn.runAndReadAll('select json_number(x) as n, json_text(s) as s from json_cases order by s is not null, k')).getRowObjectsJS();
      expect(rows.slice(0, nums.length).map((r) => r.n)).toEqual(nums.map((v) => JSON.stringify(v)));
      expect(rows.slice(nums.length).map((r) => r.s)).toEqual(strs.map((v) => JSON.stringify(v)));
    });
  });
});
