import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempWarehouse, type TestWarehouse } from '../helpers/warehouse.ts';
import { loadLedger, makeLedger } from '../scoring/ledger.ts';

const run = promisify(execFile);
const bin = new URL('../../bin/ar-intel.mjs', import.meta.url).pathname;
let t: TestWarehouse;

beforeAll(async () => {
  t = await tempWarehouse();
  await loadLedger(t.wh, t.dir, makeLedger({ customers: 20, months: 20, seed: 11 }), '2025-07-31');
  t.wh.close();
}, 60_000);

afterAll(() => {
  t?.cleanup();
});

describe('ar-intel forecast', () => {
  it('writes 13 weeks with exactly the contract columns, as of the latest date by default', async () => {
    const out = join(t.dir, 'fc.csv');
    const { stdout } = await run('node', [bin, '--db', join(t.dir, 'test.duckdb'), 'forecast', '--weeks', '13', '--out', out], { env: { ...process.env, TZ: 'UTC' } });
    expect(stdout).toContain('as of 2025-07-31');
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('week_start,expected,p10,p50,p90,open_ar,orders,new_business');
    expect(lines).toHaveLength(14);
    expect(lines[1]).toMatch(/^2025-07-28,\d+\.\d{2},/);
  }, 240_000);
});
