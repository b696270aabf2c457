import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../core/config.ts';
import { Warehouse } from '../../core/warehouse.ts';

export interface TestWarehouse {
  readonly wh: Warehouse;
  readonly dir: string;
  readonly config: Config;
  cleanup(): void;
}

/** A fresh migrated warehouse in its own temp directory (file-backed, like production). */
export async function tempWarehouse(): Promise<TestWarehouse> {
  const dir = mkdtempSync(join(tmpdir(), 'ar-intel-test-'));
  const dbPath = join(dir, 'test.duckdb');
  // Auth is switched on per test through testApp(); plain warehouse users (and pages tests) start without it.
  // dropDir inside the temp dir: a test that runs the default stages must never sweep the repo's data/drop.
  const config = loadConfig({}, { dbPath, logLevel: 'silent', auth: 'off', rateLimitPerMinute: 0, dropDir: join(dir, 'drop') });
  const wh = await Warehouse.open(dbPath);
  return {
    wh,
    dir,
    config,
    cleanup() {
      wh.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
