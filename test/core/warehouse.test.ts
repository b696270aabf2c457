import { afterEach, describe, expect, it } from 'vitest';
import { listMigrations, Warehouse } from '../../core/warehouse.ts';
import { latestDataDate, resolveAsOf, monthEnd, addDays, isIsoDate } from '../../core/as-of.ts';
import { tempWarehouse, type TestWarehouse } from '../helpers/warehouse.ts';

let t: TestWarehouse | undefined;
afterEach(() => {
  t?.cleanup();
  t = undefined;
});

describe('warehouse', () => {
  it('applies every numbered migration once and records it', async () => {
    t = await tempWarehouse();
    const applied = await t.wh.all<{ version: number }>('select version from schema_migrations order by version');
    expect(applied.map((r) => Number(r.version))).toEqual(listMigrations().map((m) => m.version));
    expect(await t.wh.migrate()).toEqual([]);
  });

  it('reopens an existing file without re-running migrations', async () => {
    t = await tempWarehouse();
    await t.wh.run(`insert into collectors (collector_id, name) values ('C1', 'Ann')`);
    t.wh.close();
    const again = await Warehouse.open(t.config.dbPath);
    expect(await again.all('select name from collectors')).toEqual([{ name: 'Ann' }]);
    again.close();
  });

  it('rolls a failed transaction back entirely', async () => {
    t = await tempWarehouse();
    const wh = t.wh;
    await expect(
      wh.transaction(async (conn) => {
        await conn.run(`insert into collectors (collector_id, name) values ('C1', 'Ann')`);
        await conn.run(`insert into collectors (collector_id, name) values ('C1', 'Dup')`);
      }),
    ).rejects.toThrow();
    expect(await wh.all('select * from collectors')).toEqual([]);
  });

  it('keeps money exact as DECIMAL and returns it as strings', async () => {
    t = await tempWarehouse();
    await t.wh.run(`insert into invoices (invoice_id, customer_id, invoice_date, due_date, amount, currency)
      values ('I1', 'C', '2024-01-01', '2024-01-31', 0.1, 'USD'), ('I2', 'C', '2024-01-02', '2024-02-01', 0.2, 'USD')`);
    expect(await t.wh.one('select sum(amount) as s from invoices')).toEqual({ s: '0.30' });
  });

  it('binds parameters, so quotes in values are data, not SQL', async () => {
    t = await tempWarehouse();
    const evil = `x'); drop table invoices; --`;
    await t.wh.run('insert into collectors (collector_id, name) values ($1, $2)', ['C1', evil]);
    expect(await t.wh.one('select name from collectors')).toEqual({ name: evil });
    expect(await t.wh.one('select count(*)::int as n from invoices')).toEqual({ n: 0 });
  });
});

describe('as-of date', () => {
  it('defaults to the latest business date in the data', async () => {
    t = await tempWarehouse();
    await expect(latestDataDate(t.wh)).rejects.toThrow(/no dated business data/);
    await t.wh.run(`insert into invoices (invoice_id, customer_id, invoice_date, due_date, amount, currency)
      values ('I1', 'C', '2024-03-01', '2024-03-31', 10, 'USD')`);
    await t.wh.run(`insert into payments (payment_id, received_date, amount, currency) values ('P1', '2024-04-02', 10, 'USD')`);
    expect(await resolveAsOf(t.wh, undefined)).toBe('2024-04-02');
    expect(await resolveAsOf(t.wh, '2024-03-15')).toBe('2024-03-15');
    await expect(resolveAsOf(t.wh, '2024-02-30')).rejects.toThrow(/YYYY-MM-DD/);
  });
  it('does calendar arithmetic in UTC', () => {
    expect(monthEnd('2024-02-10')).toBe('2024-02-29');
    expect(monthEnd('2023-02-10')).toBe('2023-02-28');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(isIsoDate('2024-13-01')).toBe(false);
  });
});
