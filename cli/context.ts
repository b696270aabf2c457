import type { Command } from 'commander';
import { loadConfig, type Config } from '../core/config.ts';
import { Warehouse } from '../core/warehouse.ts';

/** Config with the global --db applied; every command resolves it the same way. */
export function configFrom(cmd: Command): Config {
  const root = cmd.optsWithGlobals<{ db?: string }>();
  return loadConfig(process.env, root.db ? { dbPath: root.db } : {});
}

/** Opens the warehouse for the duration of fn and always closes it, so the file lock is released. */
export async function withWarehouse<T>(config: Config, fn: (wh: Warehouse) => Promise<T>): Promise<T> {
  const wh = await Warehouse.open(config.dbPath);
  try {
    return await fn(wh);
  } finally {
    wh.close();
  }
}
