import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pendingDropFiles, startScheduler } from '../../jobs/schedule.ts';
import { tempWarehouse, type TestWarehouse } from '../helpers/warehouse.ts';

let t: TestWarehouse | undefined;
afterEach(() => {
  t?.cleanup();
  t = undefined;
});

describe('scheduler', () => {
  it('sees only regular, non-hidden files in the drop folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'drop-'));
    try {
      expect(pendingDropFiles(join(dir, 'missing'))).toEqual([]);
      mkdirSync(join(dir, 'processed'));
      writeFileSync(join(dir, '.partial'), 'x');
      writeFileSync(join(dir, 'b.csv'), 'x');
      writeFileSync(join(dir, 'a.xml'), 'x');
      expect(pendingDropFiles(dir)).toEqual([join(dir, 'a.xml'), join(dir, 'b.csv')]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a schedule that is not a cron expression, naming the variable', async () => {
    t = await tempWarehouse();
    const config = { ...t.config, schedule: 'every night', dropPollSeconds: 0 };
    expect(() => startScheduler(t!.wh, config, () => undefined)).toThrow(/AR_INTEL_SCHEDULE/);
    const ok = startScheduler(t.wh, { ...t.config, schedule: '0 2 * * *', dropPollSeconds: 0 }, () => undefined);
    await ok.stop();
  });
});
