/**
 * `generateDemo`: the deterministic demo world of issue 3 §4 written as canonical CSVs plus ground
 * truth. Same options and seed → byte-identical files on any day and machine (no clock, no locale).
 */
import { join } from 'node:path';
import { ArIntelError } from '../../core/errors.ts';
import { CanonicalCsvWriter, LOAD_ORDER, type CanonicalKind } from './canonical-writer.ts';
import { dayFromIso, monthStart } from './dates.ts';
import { makeCollectors, makeCustomers, makeFxRates } from './master.ts';
import { demoOptionsSchema, type DemoOptions, type DemoOptionsInput } from './options.ts';
import { Rng } from './prng.ts';
import { expectedOrders, Simulation } from './simulate.ts';

export { demoOptionsSchema, DEFAULT_END_DATE, type DemoOptions, type DemoOptionsInput } from './options.ts';
export { LOAD_ORDER, CANONICAL_HEADERS, TRUTH_HEADERS } from './canonical-writer.ts';

/** Invoices per order at scale 1 (service invoices are 1:1, duplicates add a few). */
const INVOICES_PER_ORDER = 1.0;

export interface DemoResult {
  readonly dir: string;
  readonly options: DemoOptions;
  readonly startDate: string;
  readonly endDate: string;
  /** Rows written per file (`invoices`, …, `truth/invoice_outcomes`). */
  readonly counts: Readonly<Record<string, number>>;
  /** Canonical files in load order. */
  readonly files: readonly string[];
  readonly ms: number;
}

export interface DemoHooks {
  /** Months simulated so far of the total. */
  readonly onProgress?: (done: number, total: number) => void;
}

function parseOptions(input: DemoOptionsInput): DemoOptions {
  const parsed = demoOptionsSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') ?? 'options';
    throw new ArIntelError('VALIDATION', `demo option ${field}: ${issue?.message ?? 'invalid'}`, { field });
  }
  return parsed.data;
}

export async function generateDemo(input: DemoOptionsInput, hooks: DemoHooks = {}): Promise<DemoResult> {
  const t0 = performance.now();
  const options = parseOptions(input);
  const end = dayFromIso(options.endDate);
  const start = monthStart(end, -(options.months - 1));
  const master = new Rng(options.seed, 1);
  const collectors = makeCollectors(master, options.customers);
  const customers = makeCustomers(master, options.customers, collectors, start, end);
  const fx = makeFxRates(new Rng(options.seed, 3), start - 14, end);

  const sink = new CanonicalCsvWriter(options.out, 'USD', end);
  try {
    for (const c of collectors) sink.collector(c);
    for (const c of customers) {
      const collector = collectors[c.collectorIndex];
      if (collector === undefined) throw new RangeError(`customer ${c.id} has no collector`);
      sink.customer(c, collector, c.parentIndex === null ? null : (customers[c.parentIndex] ?? null));
      sink.customerBehaviour(c);
    }
    for (const r of fx) sink.fxRate(r);
    const scale = options.invoices === undefined ? 1 : options.invoices / (expectedOrders(customers, start, end) * INVOICES_PER_ORDER);
    const sim = new Simulation({
      rng: new Rng(options.seed, 2),
      sink,
      customers,
      collectors,
      start,
      end,
      cutoff: end - options.applicationCutoffDays,
      scale,
    });
    await sim.run(async (done, total) => {
      hooks.onProgress?.(done, total);
      // Let progress bars and the server's event loop breathe between months.
      await new Promise<void>((resolve) => setImmediate(resolve));
    });
  } finally {
    sink.close();
  }
  const paths = sink.paths();
  return {
    dir: options.out,
    options,
    startDate: new Date(start * 86_400_000).toISOString().slice(0, 10),
    endDate: options.endDate,
    counts: sink.counts(),
    files: LOAD_ORDER.map((k: CanonicalKind) => paths[k]),
    ms: performance.now() - t0,
  };
}

export function demoFile(dir: string, kind: CanonicalKind): string {
  return join(dir, `${kind}.csv`);
}
