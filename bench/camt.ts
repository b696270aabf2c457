/**
 * camt.053 parse rate in detail: `node bin/run-ts.mjs bench/camt.ts [--entries N] [--repeat K]`.
 * A real entry (the UBS camt.053.001.08 fixture's first <Ntry>, ~2.3 KB with TxDtls, remittance and an
 * address in Zürich) repeated N times with unique NtryRef, parsed by `parseCamt` — once as is (non-ASCII:
 * every piece goes through the UTF-8 decoder) and once with its one non-ASCII character transliterated
 * (pure ASCII, the common case of bank files). Baseline in the same process: the streaming XML reader
 * alone over the same text, every entry dropped unconverted; and the same parse with the entry scanner
 * switched off (`generalReaderOnly`: every <Ntry> through the general reader, the state before the
 * scanner). Wall-clock and CPU-seconds are both reported: on a shared machine wall time measures the
 * neighbours too. Writes bench/results/camt.json.
 * Target (issue 11): ≥ 50k entries/s on a 1M-entry file (`--entries 1000000`).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { parseCamt } from '../ingest/bank/camt.ts';
import { XmlStreamReader } from '../ingest/bank/xml-stream.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { entries: { type: 'string' }, repeat: { type: 'string' } } });
const args = z
  .object({ entries: z.coerce.number().int().min(1_000).max(2_000_000).default(200_000), repeat: z.coerce.number().int().min(1).max(10).default(2) })
  .parse(values);

const fixture = readFileSync(resolve(ROOT, '..', 'shared', 'fixtures', 'bank', 'camt053', 'viafintech-v08-ch-ubs-invoice-ref-fx.xml'), 'utf8');
const first = fixture.indexOf('<Ntry>');
const last = fixture.lastIndexOf('</Ntry>') + '</Ntry>'.length;
if (first < 0) throw new Error('camt fixture has no <Ntry> to replicate');
const entry = fixture.slice(first, fixture.indexOf('</Ntry>', first) + '</Ntry>'.length);
const body = entry.replace(/<NtryRef>[^<]*<\/NtryRef>\s*/, '').slice('<Ntry>'.length);

function document(entryBody: string): Uint8Array {
  const parts: string[] = [fixture.slice(0, first)];
  for (let i = 0; i < args.entries; i++) parts.push(`<Ntry><NtryRef>BENCH${i}</NtryRef>${entryBody}`);
  parts.push(fixture.slice(last));
  const buf = Buffer.from(parts.join('\n'), 'utf8');
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

interface Timing {
  wall: number;
  cpu: number;
}
function timed(fn: () => void): Timing {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  const c = process.cpuUsage(c0);
  return { wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
}
const best = (xs: Timing[]): Timing => xs.reduce((a, b) => (b.wall < a.wall ? b : a));

function readerOnly(bytes: Uint8Array): void {
  const reader = new XmlStreamReader((name) => name === 'Ntry');
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const piece = 4 * 2 ** 20;
  for (let at = 0; at < text.length; ) {
    let end = Math.min(text.length, at + piece);
    if (end < text.length) end = text.lastIndexOf('<', end);
    reader.feed(text.slice(at, end));
    at = end;
  }
  reader.finish();
}

const git = (a: string[]) => spawnSync('git', a, { cwd: ROOT, encoding: 'utf8' }).stdout?.trim() ?? '';
const report: Record<string, unknown> = {
  machine: { cores: availableParallelism(), cpuModel: cpus()[0]?.model ?? 'unknown', memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10, loadAverageAtStart: loadavg()[0] },
  commit: git(['rev-parse', '--short', 'HEAD']),
  entries: args.entries,
  command: `node bin/run-ts.mjs bench/camt.ts --entries ${args.entries} --repeat ${args.repeat}`,
  variants: {} as Record<string, unknown>,
};
const round = (x: number) => Math.round(x);
for (const [name, entryBody] of [
  ['fixture (non-ASCII)', body],
  ['ASCII', body.replace(/ü/g, 'ue')],
] as const) {
  const bytes = document(entryBody);
  const base = best(Array.from({ length: args.repeat }, () => timed(() => readerOnly(bytes))));
  let entries = 0;
  const parse = best(
    Array.from({ length: args.repeat }, () =>
      timed(() => {
        entries = parseCamt(bytes, 'bench.xml').statements.reduce((s, st) => s + st.entries.length, 0);
      }),
    ),
  );
  if (entries !== args.entries) throw new Error(`parseCamt returned ${entries} entries, expected ${args.entries}`);
  // The same parse with every entry read by the general XML reader (no ShapeScanner): the before/after
  // of the entry scanner in one process.
  const general = best(
    Array.from({ length: args.repeat }, () =>
      timed(() => {
        parseCamt(bytes, 'bench.xml', { generalReaderOnly: true });
      }),
    ),
  );
  const v = {
    megabytes: Math.round(bytes.byteLength / 2 ** 20),
    entriesPerSecond: round(entries / parse.wall),
    entriesPerCpuSecond: round(entries / parse.cpu),
    baselineEntriesPerSecond: round(entries / base.wall),
    baselineEntriesPerCpuSecond: round(entries / base.cpu),
    ratioToBaseline: Math.round((base.wall / parse.wall) * 100) / 100,
    generalReaderEntriesPerSecond: round(entries / general.wall),
    generalReaderEntriesPerCpuSecond: round(entries / general.cpu),
    targetMet: entries / parse.wall >= 50_000,
  };
  (report.variants as Record<string, unknown>)[name] = v;
  console.log(
    `camt.053 ${name}: ${entries.toLocaleString('en-US')} entries, ${v.megabytes} MB — ${v.entriesPerSecond.toLocaleString('en-US')} entries/s wall, ` +
      `${v.entriesPerCpuSecond.toLocaleString('en-US')} per CPU-second (XML reader alone: ${v.baselineEntriesPerSecond.toLocaleString('en-US')}/s wall, ` +
      `${v.baselineEntriesPerCpuSecond.toLocaleString('en-US')}/CPU-s; parse without the entry scanner: ${v.generalReaderEntriesPerSecond.toLocaleString('en-US')}/s wall, ` +
      `${v.generalReaderEntriesPerCpuSecond.toLocaleString('en-US')}/CPU-s); target ≥ 50,000/s ${v.targetMet ? 'met' : 'NOT met'}`,
  );
}
report.loadAverageAtEnd = loadavg()[0];
mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
writeFileSync(join(ROOT, 'bench', 'results', 'camt.json'), `${JSON.stringify(report, null, 2)}\n`);
