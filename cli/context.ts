import type { Command } from 'commander';
import type { z } from 'zod';
import { ArIntelError } from '../core/errors.ts';
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

/** Validates a command's options with zod; the error names the flag as the user typed it (--as-of). */
export function parseOptions<T extends z.ZodType>(schema: T, raw: unknown): z.infer<T> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const key = String(issue?.path[0] ?? 'option');
  throw new ArIntelError('VALIDATION', `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${issue?.message ?? 'invalid'}`, { field: key });
}
