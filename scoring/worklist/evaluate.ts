/**
 * `npm run evaluate:worklist [-- --db PATH --cutoffs N --step DAYS --top 0.2 --reuse-scores]`: replays past days.
 * At each cutoff D the risk models are trained on data known at D (`scoreAsOfAndStore`), the worklist
 * inputs are read as of D (promises, disputes and contacts logged after D are invisible), and every
 * customer the worklist could contact at D (`contactable`: open work no dispute, promise or recent
 * contact holds back — a rule that does not depend on any ranking) is ranked three ways: by the
 * worklist's expected value, by days past due and by open amount. The measure is the share of the next
 * 30 days' late amount held by the top `--top` of those customers, the same count for every ranking.
 * Late amount of an invoice open at D: what is past due and still open at D+30 plus what was written off
 * in (D, D+30], capped at its open amount at D. Runs on a copy of the warehouse, so the original is
 * untouched. `--reuse-scores` keeps invoice scores already stored for a cutoff: a row of invoice_scores
 * at date D is only ever written by a scoring run as of D, so it is point-in-time by construction.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { addDays, latestDataDate } from '../../core/as-of.ts';
import { loadConfig } from '../../core/config.ts';
import { Warehouse } from '../../core/warehouse.ts';
import { queryModel } from '../../models/dag.ts';
import { brier, rocAuc } from '../evaluation/metrics.ts';
import { scoreAsOfAndStore } from '../stage.ts';
import { loadStrategy } from '../strategy.ts';
import { itemRisk, scoreCustomer } from '../worklist.ts';
import { loadWorklistInputs } from './build.ts';
import { captureAtTop } from './capture.ts';

const HORIZON = 30;
const { values } = parseArgs({
  options: { db: { type: 'string' }, cutoffs: { type: 'string' }, step: { type: 'string' }, top: { type: 'string' }, 'reuse-scores': { type: 'boolean' } },
});
const opts = z
  .object({
    cutoffs: z.coerce.number().int().min(1).max(24).default(4),
    step: z.coerce.number().int().min(7).max(180).default(21),
    top: z.coerce.number().gt(0).max(1).default(0.2),
    'reuse-scores': z.boolean().default(false),
  })
  .parse(values);
const config = loadConfig(process.env, values.db ? { dbPath: values.db } : {});
const dir = mkdtempSync(join(tmpdir(), 'ar-eval-worklist-'));
const copy = join(dir, 'eval.duckdb');
copyFileSync(config.dbPath, copy);
const wh = await Warehouse.open(copy);
const strategy = loadStrategy(config.strategyPath);
if (strategy.horizonDays !== HORIZON) console.log(`note: the strategy looks ${strategy.horizonDays} days ahead; the measure is the ${HORIZON}-day late amount`);

interface Row {
  cutoff: string;
  customers: number;
  allCustomers: number;
  late: number;
  ours: number;
  dpd: number;
  amount: number;
  atRisk: number;
  allLate: number;
  allOurs: number;
  allBest: number;
}
const rows: Row[] = [];
const itemP: number[] = [];
const itemY: number[] = [];
try {
  const end = await latestDataDate(wh);
  const t0 = performance.now();
  for (let k = opts.cutoffs; k >= 1; k -= 1) {
    const cutoff = addDays(end, -HORIZON - (k - 1) * opts.step - 1);
    const stored = await wh.one<{ n: number }>('select count(*)::integer as n from invoice_scores where as_of = $1::date', [cutoff]);
    if (!opts['reuse-scores'] || !stored?.n) await scoreAsOfAndStore(wh, cutoff);
    const { customers } = await loadWorklistInputs(wh, cutoff, config.baseCurrency, strategy);
    // per invoice, in document currency: still open and past due at D+30, plus written off in (D, D+30]
    const lateThen = await queryModel<{ invoice_id: string; amount: number }>(
      wh,
      'mart_open_items',
      { as_of: addDays(cutoff, HORIZON), basis: 'due', bucket_edges: '0,30,60,90,120', base_currency: config.baseCurrency },
      { select: 'm.invoice_id, sum(m.open_amount)::double as amount', tail: `where m.item_kind = 'invoice' and m.days_past_due > 0 group by m.invoice_id` },
    );
    const writtenOff = await wh.all<{ invoice_id: string; amount: number }>(
      `select invoice_id, sum(amount)::double as amount from write_offs
       where write_off_date > $1::date and write_off_date <= $1::date + ${HORIZON} group by invoice_id`,
      [cutoff],
    );
    const lateDoc = new Map<string, number>();
    for (const r of [...lateThen, ...writtenOff]) lateDoc.set(r.invoice_id, (lateDoc.get(r.invoice_id) ?? 0) + r.amount);
    const openDoc = new Map<string, number>();
    for (const c of customers) for (const i of c.items) openDoc.set(i.invoiceId, (openDoc.get(i.invoiceId) ?? 0) + Number(i.openDoc));
    /** Share of an invoice's amount open at D that is late 30 days on. */
    const lateShare = (invoiceId: string) => {
      const open = openDoc.get(invoiceId) ?? 0;
      return open > 0 ? Math.min(1, (lateDoc.get(invoiceId) ?? 0) / open) : 0;
    };
    const all = customers
      .filter((c) => c.items.some((i) => i.openBase > 0))
      .map((c) => {
        const e = scoreCustomer(cutoff, c, strategy, config.baseCurrency);
        for (const i of c.items) {
          itemP.push(itemRisk(i, HORIZON));
          itemY.push(lateShare(i.invoiceId) >= 0.5 ? 1 : 0);
        }
        return {
          contactable: e.contactable,
          ours: e.score,
          atRisk: e.totalAtRisk,
          dpd: Math.max(...c.items.map((i) => i.daysPastDue)),
          amount: c.items.reduce((a, i) => a + i.openBase, 0),
          late: c.items.reduce((a, i) => a + i.openBase * lateShare(i.invoiceId), 0),
        };
      });
    const candidates = all.filter((c) => c.contactable);
    const sumLate = (xs: readonly { late: number }[]) => xs.reduce((a, c) => a + c.late, 0);
    rows.push({
      cutoff,
      customers: candidates.length,
      allCustomers: all.length,
      late: sumLate(candidates),
      ours: captureAtTop(candidates, (c) => c.ours, opts.top),
      dpd: captureAtTop(candidates, (c) => c.dpd, opts.top),
      amount: captureAtTop(candidates, (c) => c.amount, opts.top),
      atRisk: captureAtTop(candidates, (c) => c.atRisk, opts.top),
      allLate: sumLate(all),
      allOurs: captureAtTop(all, (c) => (c.contactable ? c.ours : Number.NEGATIVE_INFINITY), opts.top),
      allBest: Math.max(captureAtTop(all, (c) => c.dpd, opts.top), captureAtTop(all, (c) => c.amount, opts.top)),
    });
    console.log(`  cutoff ${cutoff}: ${candidates.length} contactable of ${all.length} customers with open invoices`);
  }
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  console.log(`\nShare of the next ${HORIZON} days' late amount held by the top ${pct(opts.top)} of contactable customers (same customers, same count for every ranking):`);
  console.log('| cutoff | contactable customers | late amount | expected value (ours) | days past due | open amount |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.cutoff} | ${r.customers} | ${r.late.toFixed(0)} | ${pct(r.ours / r.late)} | ${pct(r.dpd / r.late)} | ${pct(r.amount / r.late)} |`);
  const sum = (f: (r: Row) => number) => rows.reduce((a, r) => a + f(r), 0);
  const total = sum((r) => r.late);
  const ours = sum((r) => r.ours) / total;
  const dpd = sum((r) => r.dpd) / total;
  const amount = sum((r) => r.amount) / total;
  const best = Math.max(dpd, amount);
  console.log(`| all | ${sum((r) => r.customers)} | ${total.toFixed(0)} | ${pct(ours)} | ${pct(dpd)} | ${pct(amount)} |`);
  console.log(`\nours vs the better baseline (${dpd >= amount ? 'days past due' : 'open amount'}): ${((ours / best - 1) * 100).toFixed(1)}% more late amount captured (target ≥ 15%)`);
  // the top share cannot hold more than all of the late amount: the largest gain any ranking could show
  console.log(`ceiling: a perfect ranking holds 100%, i.e. at most ${((1 / best - 1) * 100).toFixed(1)}% more than the better baseline; ours closes ${(((ours - best) / (1 - best)) * 100).toFixed(0)}% of that gap`);
  console.log(`per cutoff: ${rows.map((r) => `${r.cutoff} ${((r.ours / Math.max(r.dpd, r.amount) - 1) * 100).toFixed(1)}%`).join(', ')}`);
  console.log('\ndiagnostics:');
  const atRisk = sum((r) => r.atRisk) / total;
  console.log(
    `- ranking by the model's amount at risk alone (no stage uplift, effort or boosts): ${pct(atRisk)}, ${((atRisk / best - 1) * 100).toFixed(1)}% vs the better baseline, closing ${(((atRisk - best) / (1 - best)) * 100).toFixed(0)}% of the gap to a perfect ranking`,
  );
  const allTotal = sum((r) => r.allLate);
  console.log(
    `- over every customer with open invoices (held-back customers last for ours, anywhere for the baselines): ours ${pct(sum((r) => r.allOurs) / allTotal)}, better baseline per cutoff ${pct(sum((r) => r.allBest) / allTotal)}`,
  );
  console.log(`- item risk (P past due and unpaid at D+${HORIZON}) vs outcome (≥ half the item late), ${itemP.length} invoice lines: AUC ${rocAuc(itemP, itemY).toFixed(3)}, Brier ${brier(itemP, itemY).toFixed(3)}`);
  console.log(
    `(${((performance.now() - t0) / 1000).toFixed(0)} s) command: npm run evaluate:worklist -- --db ${config.dbPath} --cutoffs ${opts.cutoffs} --step ${opts.step} --top ${opts.top}${opts['reuse-scores'] ? ' --reuse-scores' : ''}`,
  );
} finally {
  wh.close();
  rmSync(dir, { recursive: true, force: true });
}
