/**
 * Every model file binds in DuckDB, in dependency order (EXPLAIN, so the binder checks names and types
 * a string comparison would accept), states its grain, is one SELECT, and respects the layering.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindParams, compile, dependencyOrder, models } from '../../models/dag.ts';
import { PERSISTED_MODELS } from '../../models/persisted.ts';
import { tempWarehouse, type TestWarehouse } from '../helpers/warehouse.ts';

const PARAMS = {
  as_of: '2024-03-31',
  base_currency: 'USD',
  bucket_edges: '0,30,60,90,120',
  basis: 'due',
  group_by: 'customer',
  currency_view: 'base',
  dates: '2024-01-31,2024-03-31',
  from: '2024-01-01',
  to: '2024-03-31',
  tolerance_days: 3,
  cohort_from: '2023-01-01',
  cohort_to: '2023-06-30',
};

let t: TestWarehouse;
beforeAll(async () => {
  t = await tempWarehouse();
});
afterAll(() => t.cleanup());

const all = [...models().values()];
const layerRank = { staging: 0, intermediate: 1, marts: 2 } as const;

describe('model files', () => {
  it('are found in all three layers', () => {
    expect(new Set(all.map((m) => m.layer))).toEqual(new Set(['staging', 'intermediate', 'marts']));
  });

  it('bind in dependency order', async () => {
    const seen = new Set<string>();
    const order = all.flatMap((m) => dependencyOrder(m.name)).filter((n) => (seen.has(n) ? false : (seen.add(n), true)));
    expect(order.length).toBe(all.length);
    for (const name of order) {
      const sql = `explain ${compile(name)}`;
      await expect(t.wh.all(sql, bindParams(sql, PARAMS)), name).resolves.toBeDefined();
      const fromTables = `explain ${compile(name, {}, PERSISTED_MODELS)}`;
      await expect(t.wh.all(fromTables, bindParams(fromTables, PARAMS)), `${name} (persisted)`).resolves.toBeDefined();
    }
  });

  it('bind with month-end balances swapped in (the history path)', async () => {
    for (const name of ['mart_month_end_inputs', 'mart_ar_position', 'int_fx_at_dates']) {
      const sql = `explain ${compile(name, { int_item_balances: 'int_item_balances_monthly' })}`;
      await expect(t.wh.all(sql, bindParams(sql, PARAMS)), name).resolves.toBeDefined();
    }
  });

  it('state their grain, hold one statement, and only read their own or lower layers', () => {
    for (const m of all) {
      expect(m.grain.length, m.file).toBeGreaterThan(10);
      expect(m.sql.includes(';'), `${m.file} holds one statement`).toBe(false);
      expect(/^(with|select)\b/i.test(m.sql), `${m.file} is a SELECT`).toBe(true);
      expect(/\b(current_date|now\(\)|today\(\)|get_current_timestamp)/i.test(m.sql), `${m.file} reads the clock`).toBe(false);
      for (const d of m.deps) {
        const dep = models().get(d);
        expect(dep && layerRank[dep.layer] <= layerRank[m.layer], `${m.file} reads ${d}`).toBe(true);
      }
      if (m.layer === 'staging') expect(m.deps, m.file).toEqual([]);
    }
  });

  it('names unbound parameters instead of running with a hole', () => {
    const sql = compile('int_item_balances');
    expect(() => bindParams(sql, {})).toThrow(/\$as_of/);
  });
});
