/**
 * The worklist bench (issue 8: all worklists for 1M open invoices and 500 collectors in under 30 s):
 * on a synthetic warehouse (worklist-data.ts) it times the worklists stage's work — pack the items,
 * decide per customer, rank and write worklist_items — against a raw DuckDB baseline measured in the same process on the same
 * data: one statement that reads the same open items and scores, sums the amount at risk per customer,
 * packs the items as JSON, ranks customers per collector and stores the table. Both run after the
 * persisted balance segments are built (the pipeline's models stage does that before the worklists).
 * Called by bench/index.ts (section `worklist`).
 */
import { join } from 'node:path';
import { Warehouse } from '../core/warehouse.ts';
import { bindParams, compile, queryModel } from '../models/dag.ts';
import { PERSISTED_MODELS } from '../models/persisted.ts';
import { loadStrategy } from '../scoring/strategy.ts';
import { buildAndStoreWorklists } from '../scoring/worklist/pack.ts';
import { writeWorklistBenchData, type WorklistBenchShape } from './worklist-data.ts';

export interface WorklistBenchResult {
  readonly shape: WorklistBenchShape;
  readonly setupSeconds: number;
  readonly segmentsSeconds: number;
  readonly baselineSeconds: number;
  readonly buildSeconds: number;
  /** CPU seconds (user + system, all threads of this process) of baseline and build: what a shared machine's load does not inflate. */
  readonly baselineCpuSeconds: number;
  readonly buildCpuSeconds: number;
  /** Wall seconds of the build's phases: read = pack (SQL), rank = decide (JS), write = rank, cut and store (SQL). */
  readonly phases: { readonly readSeconds: number; readonly rankSeconds: number; readonly writeSeconds: number };
  /** CPU seconds of each phase (user + system, all threads). */
  readonly phasesCpu: { readonly read: number; readonly rank: number; readonly write: number };
  /** md5 over every stored worklist_items row in customer order: equal checksums mean byte-equal output. */
  readonly outputChecksum: string;
  readonly openLines: number;
  readonly customersListed: number;
  readonly rowsWritten: number;
  readonly onCollectorLists: number;
  readonly inTeamQueue: number;
  readonly peakRssMb: number;
}

/** Every column of every row, in a fixed order: the same checksum before and after a change proves the output unchanged. */
export const WORKLIST_CHECKSUM = `select md5(string_agg(w::varchar, chr(10) order by w.customer_id)) as md5 from worklist_items w where w.as_of = $1::date`;

const PARAMS = { basis: 'due', bucket_edges: '0,30,60,90,120', base_currency: 'USD' } as const;

async function seconds<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const out = await fn();
  return [out, (performance.now() - t0) / 1000];
}
const cpuSince = (c0: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
};

/** The floor: the same open items × scores, summed, packed, ranked per collector and stored, in one statement. */
async function rawDuckDbWorklist(wh: Warehouse, asOf: string): Promise<void> {
  const sql = `create or replace table bench_worklist_baseline as
    with items as (
      select m.customer_id, m.invoice_id, m.open_amount, m.open_base, m.currency, m.due_date, m.days_past_due, s.p_late, s.p_late30
      from (${compile('mart_open_items', {}, PERSISTED_MODELS)}) as m
      join invoice_scores s on s.invoice_id = m.invoice_id and s.as_of = $as_of::date
      where m.item_kind = 'invoice' and m.open_amount > 0
    ),
    per_customer as (
      select customer_id, sum(open_base * p_late30)::double as at_risk, sum(open_base) as total_open, max(days_past_due) as max_dpd,
             to_json(list({invoiceId: invoice_id, openAmount: open_amount::varchar, currency: currency, dueDate: due_date::varchar,
                           daysPastDue: days_past_due, pLate: p_late, pLate30: p_late30} order by due_date, invoice_id))::varchar as items
      from items group by customer_id
    )
    select p.*, c.collector_id,
           row_number() over (partition by c.collector_id order by p.at_risk desc, p.customer_id) as rank
    from per_customer p join customers c on c.customer_id = p.customer_id`;
  await wh.run(sql, bindParams(sql, { ...PARAMS, as_of: asOf }));
}

export async function benchWorklists(dir: string, shape: WorklistBenchShape): Promise<WorklistBenchResult> {
  const wh = await Warehouse.open(join(dir, 'worklist-bench.duckdb'));
  try {
    const [, setupSeconds] = await seconds(() => writeWorklistBenchData(wh, shape));
    // builds item_balance_segments (as the models stage does before the worklists) and warms the file cache
    const [lines, segmentsSeconds] = await seconds(() =>
      queryModel<{ n: number }>(wh, 'mart_open_items', { ...PARAMS, as_of: shape.asOf }, { select: 'count(*)::integer as n', tail: `where m.item_kind = 'invoice'` }),
    );
    const openLines = lines[0]?.n ?? 0;
    if (openLines < shape.openInvoices) throw new Error(`bench data has ${openLines} open invoice lines, expected ${shape.openInvoices}`);

    const cpuBase = process.cpuUsage();
    const [, baselineSeconds] = await seconds(() => rawDuckDbWorklist(wh, shape.asOf));
    const baselineCpuSeconds = cpuSince(cpuBase);
    const strategy = loadStrategy();
    const rss0 = process.memoryUsage().rss;
    let peak = rss0;
    const sample = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 50);
    // the stage's build (buildAndStoreWorklists), each of its three phases timed as it ends:
    // pack (DuckDB joins and packs the items) → read, decide (per-customer strategy in JS) → rank, store (ranking and write) → write
    const cpuBuild = process.cpuUsage();
    const t0 = performance.now();
    const marks: { wall: number; cpu: number }[] = [];
    const built = await buildAndStoreWorklists(wh, shape.asOf, 'USD', strategy, new Date().toISOString(), () => {
      marks.push({ wall: (performance.now() - t0) / 1000, cpu: cpuSince(cpuBuild) });
    });
    const buildCpuSeconds = cpuSince(cpuBuild);
    const [read, rank] = [marks[0] ?? { wall: 0, cpu: 0 }, marks[1] ?? { wall: 0, cpu: 0 }];
    const readSeconds = read.wall;
    const rankSeconds = rank.wall - read.wall;
    const writeSeconds = (performance.now() - t0) / 1000 - rank.wall;
    const cpuRead = read.cpu;
    const cpuRank = rank.cpu - read.cpu;
    clearInterval(sample);
    peak = Math.max(peak, process.memoryUsage().rss);

    const stored = await wh.one<{ n: number; listed: number; team: number; over: number }>(
      `select count(*)::integer as n, count(*) filter (where queue = 'collector')::integer as listed,
              count(*) filter (where queue = 'team')::integer as team,
              (select count(*) from (select collector_id from worklist_items where as_of = $1::date and queue = 'collector'
                                     group by collector_id having count(*) > ${shape.dailyCapacity}))::integer as over
       from worklist_items where as_of = $1::date`,
      [shape.asOf],
    );
    if (!stored || stored.n !== built.rows) throw new Error(`worklist_items holds ${stored?.n ?? 0} rows for ${shape.asOf}, the build reported ${built.rows}`);
    if (stored.over > 0) throw new Error(`${stored.over} collectors have more customers than their capacity`);
    const outputChecksum = (await wh.one<{ md5: string }>(WORKLIST_CHECKSUM, [shape.asOf]))?.md5 ?? '';
    return {
      shape,
      setupSeconds,
      segmentsSeconds,
      baselineSeconds,
      buildSeconds: readSeconds + rankSeconds + writeSeconds,
      baselineCpuSeconds,
      buildCpuSeconds,
      phases: { readSeconds, rankSeconds, writeSeconds },
      phasesCpu: { read: cpuRead, rank: cpuRank, write: buildCpuSeconds - cpuRead - cpuRank },
      outputChecksum,
      openLines,
      customersListed: built.rows,
      rowsWritten: stored.n,
      onCollectorLists: stored.listed,
      inTeamQueue: stored.team,
      peakRssMb: Math.round(peak / 2 ** 20),
    };
  } finally {
    wh.close();
  }
}
