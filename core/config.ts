import { z } from 'zod';
import { ConfigError } from './errors.ts';

const currencyCode = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as USD');

const envSchema = z.object({
  AR_INTEL_DB: z.string().min(1).default('data/ar-intel.duckdb'),
  AR_INTEL_BASE_CURRENCY: currencyCode.default('USD'),
  AR_INTEL_HOST: z.string().min(1).default('127.0.0.1'),
  AR_INTEL_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  AR_INTEL_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  AR_INTEL_DEMO_CUSTOMERS: z.coerce.number().int().min(0).default(2000),
  AR_INTEL_DEMO_SEED: z.coerce.number().int().default(42),
  AR_INTEL_DROP_DIR: z.string().min(1).default('data/drop'),
  AR_INTEL_SCHEDULE: z.string().min(1).default('0 2 * * *'),
  AR_INTEL_DROP_POLL_SECONDS: z.coerce.number().int().min(0).default(60),
  AR_INTEL_AUTH: z.enum(['on', 'off']).default('on'),
  AR_INTEL_RATE_LIMIT: z.coerce.number().int().min(0).default(3000),
  AR_INTEL_STRATEGY: z.string().min(1).optional(),
});

export interface Config {
  readonly dbPath: string;
  readonly baseCurrency: string;
  readonly host: string;
  readonly port: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly demoCustomers: number;
  readonly demoSeed: number;
  readonly dropDir: string;
  /** cron expression for the nightly `ar-intel run` inside `serve`; 'off' disables it. */
  readonly schedule: string;
  /** how often `serve` looks for new files in dropDir; 0 disables the watcher. */
  readonly dropPollSeconds: number;
  /** 'off' only for local experiments: every API route then acts as admin. */
  readonly auth: 'on' | 'off';
  /** requests per minute per key (or per address without a key); 0 disables the limit. */
  readonly rateLimitPerMinute: number;
  /** collection strategy JSON; undefined = scoring/strategies/default.json */
  readonly strategyPath?: string | undefined;
}

/** Parses the environment once; a bad variable stops the process with its name and the rule it broke. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid environment: ${detail}`);
  }
  const e = parsed.data;
  return Object.freeze({
    dbPath: e.AR_INTEL_DB,
    baseCurrency: e.AR_INTEL_BASE_CURRENCY,
    host: e.AR_INTEL_HOST,
    port: e.AR_INTEL_PORT,
    logLevel: e.AR_INTEL_LOG_LEVEL,
    demoCustomers: e.AR_INTEL_DEMO_CUSTOMERS,
    demoSeed: e.AR_INTEL_DEMO_SEED,
    dropDir: e.AR_INTEL_DROP_DIR,
    schedule: e.AR_INTEL_SCHEDULE,
    dropPollSeconds: e.AR_INTEL_DROP_POLL_SECONDS,
    auth: e.AR_INTEL_AUTH,
    rateLimitPerMinute: e.AR_INTEL_RATE_LIMIT,
    strategyPath: e.AR_INTEL_STRATEGY,
    ...overrides,
  });
}
