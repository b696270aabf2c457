/**
 * Cash application at scale: N payments against M open invoices (default 100k / 1M) in a temporary
 * warehouse, through the same path as the pipeline stage (point-in-time SQL, matcher, bulk write).
 * The ledger is synthetic and built set-wise in DuckDB: customers with generated names, invoices
 * spread over them, each payment paying one to three invoices of one customer; 40% of payments
 * quote the invoice numbers exactly, 15% garbled (O for 0), 5% without prefix, 40% carry only
 * the payer's name. Run: `node bin/run-ts.mjs bench/cash-application.ts [--payments N] [--invoices M]`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { Warehouse } from '../core/warehouse.ts';
import { runCashApplication } from '../scoring/cash-application/run.ts';

const Args = z.object({
  payments: z.coerce.number().int().min(100).default(100_000),
  invoices: z.coerce.number().int().min(1000).default(1_000_000),
  customers: z.coerce.number().int().min(10).default(50_000),
});
const { values } = parseArgs({ options: { payments: { type: 'string' }, invoices: { type: 'string' }, customers: { type: 'string' } } });
const args = Args.parse(values);
const perCustomer = Math.floor(args.invoices / args.customers);
if (perCustomer < 6) throw new Error('need at least 6 invoices per customer (each payment uses up to 3, two rounds)');
if (args.payments > 2 * args.customers) throw new Error('at most two payments per customer in this synthetic ledger');

const AS_OF = '2026-06-30';
// Three word lists, one per position, so no two customers are the same words in another order.
const FIRST = ['alpha', 'baltic', 'cedar', 'delta', 'ember', 'falcon', 'granite', 'harbor', 'iris', 'juniper', 'kestrel', 'lumen', 'meridian', 'nimbus', 'orchid', 'pioneer', 'quartz', 'raven', 'summit', 'tundra', 'umber', 'vertex', 'willow', 'xenon', 'yarrow', 'zenith', 'atlas', 'boreal', 'cobalt', 'dune', 'echo', 'fjord', 'glacier', 'horizon', 'indigo', 'jade', 'keystone', 'lagoon', 'mosaic', 'north'];
const SECOND = ['river', 'stone', 'field', 'bridge', 'valley', 'forge', 'crest', 'point', 'grove', 'haven', 'ridge', 'brook', 'cliff', 'meadow', 'port', 'gate', 'hill', 'lake', 'marsh', 'peak', 'shore', 'spring', 'vale', 'wood', 'bay', 'cove', 'dale', 'fen', 'glen', 'heath', 'isle', 'knoll', 'moor', 'ness', 'oak', 'pine', 'reef', 'sound', 'tor', 'well'];
const THIRD = ['Logistics', 'Foods', 'Medical', 'Textiles', 'Motors', 'Energy', 'Software', 'Retail', 'Farms', 'Metals', 'Plastics', 'Paper', 'Chemicals', 'Tools', 'Clinics', 'Builders', 'Traders', 'Apparel', 'Labs', 'Marine', 'Digital', 'Optics', 'Printing', 'Dairy', 'Timber', 'Glass', 'Audio', 'Pharma', 'Freight', 'Studios', 'Robotics', 'Seeds', 'Cables', 'Ceramics', 'Finance', 'Hotels', 'Outdoor', 'Packaging', 'Security', 'Water'];
const SUFFIXES = ['Ltd', 'Inc.', 'GmbH', 'LLC', 'S.A.', 'B.V.', 'Corp.', 'PLC'];

const dir = mkdtempSync(join(tmpdir(), 'ar-intel-bench-cash-'));
const wh = await Warehouse.open(join(dir, 'bench.duckdb'));
try {
  const t0 = performance.now();
  const list = (ws: readonly string[]) => `[${ws.map((w) => `'${w[0]?.toUpperCase()}${w.slice(1)}'`).join(',')}]`;
  const suffixes = `[${SUFFIXES.map((w) => `'${w}'`).join(',')}]`;
  // The word lists are constants of this file; every size is a bound parameter. (Temporary tables
  // would not survive between calls: each call runs on a connection of its own.)
  await wh.run(
    `insert into customers (customer_id, name, currency)
     select 'C' || lpad(i::varchar, 7, '0'),
            ${list(FIRST)}[1 + i % 40] || ' ' || ${list(SECOND)}[1 + (i // 40) % 40] || ' ' || ${list(THIRD)}[1 + (i // 1600) % 40] || ' ' || ${suffixes}[1 + (i // 64000) % 8],
            'USD'
     from range($1) t(i)`,
    [args.customers],
  );
  await wh.run(
    `insert into invoices (invoice_id, customer_id, invoice_date, due_date, amount, currency)
     select 'INV-' || (10000000 + j)::varchar, 'C' || lpad((j % $2)::varchar, 7, '0'),
            $3::date - (j % 120)::integer, $3::date - (j % 120)::integer + 30,
            (100 + (hash(j) % 5000000) / 100.0)::decimal(18, 2), 'USD'
     from range($1) t(j)`,
    [args.customers * perCustomer, args.customers, AS_OF],
  );
  await wh.run(
    `create table bench_pay as
     select k, k % $2 as c, k // $2 as r, 1 + k % 3 as n from range($1) t(k)`,
    [args.payments, args.customers],
  );
  await wh.run(
    `insert into payments (payment_id, payer_name, received_date, amount, currency, reference, remittance_text, bank_account, bank_reference)
     with items as (
       select p.k, p.c, 'INV-' || (10000000 + p.c + $1 * (p.r * 3 + m))::varchar as invoice_id
       from bench_pay p, range(3) s(m) where m < p.n
     ), paid as (
       select i.k, sum(v.amount) as amount, string_agg(i.invoice_id, ' ' order by i.invoice_id) as refs
       from items i join invoices v on v.invoice_id = i.invoice_id group by i.k
     )
     select 'PAY-' || lpad(p.k::varchar, 8, '0'), upper(c.name), $2::date, d.amount, 'USD',
            case when p.k % 20 < 8 then d.refs
                 when p.k % 20 < 11 then replace(d.refs, '0', 'O')
                 when p.k % 20 < 12 then replace(d.refs, 'INV-', '')
                 else 'PAYMENT' end,
            null, null, 'BR' || p.k
     from bench_pay p join paid d on d.k = p.k
     join customers c on c.customer_id = 'C' || lpad(p.c::varchar, 7, '0')`,
    [args.customers, AS_OF],
  );
  await wh.run('drop table bench_pay');
  const counts = await wh.one<{ inv: string; pay: string }>(`select (select count(*) from invoices)::varchar as inv, (select count(*) from payments)::varchar as pay`);
  const t1 = performance.now();
  const cpu0 = process.cpuUsage();
  const r = await runCashApplication(wh, AS_OF);
  const cpu = process.cpuUsage(cpu0);
  const t2 = performance.now();
  // On a shared machine wall time measures the neighbours too; CPU time is the process's own work.
  const load = loadavg()[0] ?? 0;
  const applied = await wh.one<{ n: string }>(`select count(*)::varchar as n from payment_applications where method = 'auto'`);
  const report = {
    payments: Number(counts?.pay),
    openInvoices: Number(counts?.inv),
    customers: args.customers,
    cores: availableParallelism(),
    buildSeconds: Math.round(t1 - t0) / 1000,
    cashApplicationSeconds: Math.round(t2 - t1) / 1000,
    cpuSeconds: Math.round((cpu.user + cpu.system) / 1000) / 1000,
    loadAverage: Math.round(load * 10) / 10,
    readSeconds: Math.round(r.ms.load) / 1000,
    matchSeconds: Math.round(r.ms.match) / 1000,
    writeSeconds: Math.round(r.ms.write) / 1000,
    readCpuSeconds: Math.round(r.cpuMs.load) / 1000,
    matchCpuSeconds: Math.round(r.cpuMs.match) / 1000,
    writeCpuSeconds: Math.round(r.cpuMs.write) / 1000,
    autoApplied: r.autoApplied,
    exceptions: r.exceptions,
    applications: Number(applied?.n),
  };
  console.log(`cash application: ${report.payments.toLocaleString('en-US')} payments × ${report.openInvoices.toLocaleString('en-US')} open invoices on ${report.cores} cores`);
  console.log(`  ${report.cashApplicationSeconds.toFixed(1)} s wall, ${report.cpuSeconds.toFixed(1)} s CPU, load average ${report.loadAverage} (read ${report.readSeconds.toFixed(1)} s / ${report.readCpuSeconds.toFixed(1)} CPU-s, match ${report.matchSeconds.toFixed(1)} s / ${report.matchCpuSeconds.toFixed(1)} CPU-s, write ${report.writeSeconds.toFixed(1)} s / ${report.writeCpuSeconds.toFixed(1)} CPU-s); target < 60 s`);
  console.log(`  ${report.autoApplied} payments applied automatically, ${report.exceptions} exceptions; ledger built in ${report.buildSeconds.toFixed(1)} s`);
  const out = join('bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'cash-application.json'), `${JSON.stringify(report, null, 2)}\n`);
} finally {
  wh.close();
  rmSync(dir, { recursive: true, force: true });
}
