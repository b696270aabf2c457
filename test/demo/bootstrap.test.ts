import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fillWithDemo } from '../../jobs/bootstrap.ts';
import { tempWarehouse } from '../helpers/warehouse.ts';

describe('first start on an empty warehouse', () => {
  it('generates the demo set beside the warehouse and loads it through the ingest path, logging progress', async () => {
    const t = await tempWarehouse();
    try {
      const logs: string[] = [];
      await fillWithDemo(t.wh, { ...t.config, demoCustomers: 30, demoSeed: 5 }, (m) => logs.push(m), { months: 4 });
      expect(existsSync(join(t.dir, 'demo', 'invoices.csv'))).toBe(true);
      expect(existsSync(join(t.dir, 'demo', 'truth', 'invoice_outcomes.csv'))).toBe(true);
      const runs = await t.wh.all<{ status: string; n: string }>(`select status, count(*)::bigint as n from load_runs group by status`);
      expect(runs).toEqual([{ status: 'loaded', n: '12' }]);
      const inv = await t.wh.one<{ n: string }>('select count(*)::bigint as n from invoices');
      expect(Number(inv?.n)).toBeGreaterThan(50);
      expect(logs.some((m) => m.includes('generating: 100%'))).toBe(true);
      expect(logs.some((m) => m.includes('loading: 100%'))).toBe(true);
      expect(logs.some((m) => m.includes('demo load problem'))).toBe(false);
    } finally {
      t.cleanup();
    }
  });
});
