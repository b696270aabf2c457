/** File-level behaviour of the canonical loader: detection, encodings, quoting, line numbers, failures, order. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ingestFiles, type IngestResult } from '../../ingest/index.ts';
import type { Warehouse } from '../../core/warehouse.ts';
import { tempWarehouse, type TestWarehouse } from '../helpers/warehouse.ts';
import { registerIngest } from '../../cli/commands/ingest.ts';

const FORMAT = fileURLToPath(new URL('../fixtures/canonical/format/', import.meta.url));
const GOOD = fileURLToPath(new URL('../fixtures/canonical/good/', import.meta.url));

let t: TestWarehouse | undefined;
afterEach(() => {
  t?.cleanup();
  t = undefined;
});

async function load(file: string, kind?: string): Promise<{ wh: Warehouse; r: IngestResult }> {
  t = await tempWarehouse();
  const [r] = await ingestFiles(t.wh, [join(FORMAT, file)], kind ? { kind } : {});
  if (!r) throw new Error('no result');
  return { wh: t.wh, r };
}

async function rejects(wh: Warehouse, r: IngestResult) {
  return wh.all<{ line: number | null; field: string | null; value: string | null; reason: string }>(
    'select line, field, value, reason from rejected_rows where load_run_id = $1 order by line, field',
    [BigInt(r.loadRunId)],
  );
}

async function invoices(wh: Warehouse) {
  return wh.all<{ invoice_id: string; customer_id: string; amount: string; currency: string; source_line: number }>(
    'select invoice_id, customer_id, amount::varchar as amount, currency, source_line from invoices order by source_line',
  );
}

async function expectNothingLoaded(wh: Warehouse) {
  expect(await wh.all('select count(*)::integer as n from invoices')).toEqual([{ n: 0 }]);
}

describe('canonical files', () => {
  it('detects the kind from a header in any column order and case', async () => {
    const { wh, r } = await load('reordered-header.csv');
    expect(r).toMatchObject({ kind: 'invoices', status: 'loaded', rowsLoaded: 1 });
    expect(await invoices(wh)).toEqual([{ invoice_id: 'R-1', customer_id: 'C1', amount: '10.00', currency: 'USD', source_line: 2 }]);
  });

  it("fails a ';'-separated file, saying so, and loads nothing", async () => {
    const { wh, r } = await load('semicolon.csv');
    expect(r.status).toBe('failed');
    expect(r.message).toMatch(/line 1: the header is separated by ';', not ','/);
    await expectNothingLoaded(wh);
    const runs = await wh.all('select status, rows_loaded from load_runs');
    expect(runs).toEqual([{ status: 'failed', rows_loaded: 0 }]);
  });

  it('reads a UTF-8 BOM and CRLF line ends', async () => {
    const { wh, r } = await load('bom-crlf.csv');
    expect(r).toMatchObject({ kind: 'invoices', status: 'loaded', rowsLoaded: 2 });
    expect((await invoices(wh)).map((i) => [i.invoice_id, i.currency, i.source_line])).toEqual([
      ['B-1', 'USD', 2],
      ['B-2', 'EUR', 3],
    ]);
  });

  it('keeps quoted commas, doubled quotes and line breaks, and counts lines across a multi-line value', async () => {
    const { wh, r } = await load('quoted.csv');
    expect(r).toMatchObject({ status: 'partial', rowsRead: 4, rowsLoaded: 3, rowsRejected: 1 });
    expect((await invoices(wh)).map((i) => [i.invoice_id, i.customer_id, i.amount, i.source_line])).toEqual([
      ['Q-1', 'Smith, Jones & Co', '1000.50', 2],
      ['Q-2', 'He said "pay later"', '5.00', 3],
      ['Q-3', 'two\nlines', '6.00', 4],
    ]);
    expect(await rejects(wh, r)).toEqual([{ line: 6, field: 'amount', value: 'bad', reason: "amount: 'bad' is not a number" }]);
  });

  it('gives real line numbers when the file has blank lines', async () => {
    const { wh, r } = await load('blank-lines.csv');
    expect(r).toMatchObject({ status: 'partial', rowsLoaded: 2, rowsRejected: 1 });
    expect((await invoices(wh)).map((i) => [i.invoice_id, i.source_line])).toEqual([
      ['L-1', 2],
      ['L-3', 5],
    ]);
    expect((await rejects(wh, r)).map((x) => [x.line, x.field])).toEqual([[4, 'amount']]);
  });

  it('rejects rows with too few or too many fields, bad values and repeated keys, each on its own line', async () => {
    const { wh, r } = await load('many-rejects.csv');
    expect(r).toMatchObject({ status: 'partial', rowsRead: 8, rowsLoaded: 3, rowsRejected: 5 });
    expect((await invoices(wh)).map((i) => [i.invoice_id, i.amount, i.source_line])).toEqual([
      ['M-1', '1.00', 2],
      ['M-4', '4.00', 5],
      ['M-7', '7.00', 8],
    ]);
    const rows = await rejects(wh, r);
    expect(rows.map((x) => [x.line, x.field])).toEqual([
      [3, null],
      [4, null],
      [6, 'amount'],
      [7, null],
      [9, 'invoice_id'],
    ]);
    expect(rows[0]?.reason).toBe('the line has 3 fields but the header has 6');
    expect(rows[1]?.reason).toContain('the line has 7 fields but the header has 6');
    expect(rows[3]?.reason).toContain("is it separated by ';' instead of ','?");
    expect(rows[4]?.reason).toBe("invoice_id 'M-1' already appears on line 2 of this file; only the first is loaded");
  });

  it('checks values: dates, decimals, currency codes, required cells, due date after invoice date', async () => {
    const { wh, r } = await load('values.csv');
    expect(r).toMatchObject({ status: 'partial', rowsRead: 7, rowsLoaded: 2, rowsRejected: 5 });
    expect((await invoices(wh)).map((i) => [i.invoice_id, i.amount, i.currency])).toEqual([
      ['V-1', '-0.01', 'USD'],
      ['V-7', '7.50', 'EUR'],
    ]);
    expect((await rejects(wh, r)).map((x) => [x.line, x.field, x.reason])).toEqual([
      [3, 'due_date', "due_date: '2023-12-31' is before invoice_date '2024-01-01'"],
      [4, 'invoice_date', "invoice_date: '2024-1-1' is not a date in the form YYYY-MM-DD"],
      [5, 'amount', "amount: '1.005' has more than 2 decimal places"],
      [6, 'amount', "amount: '1,000.00' is not a number with '.' decimals (no ',' and no thousands separators)"],
      [7, 'currency', "currency: 'US' is not a 3-letter currency code such as EUR"],
      [7, 'customer_id', 'customer_id is required but empty'],
    ]);
  });

  it.each([
    ['one record per line', false],
    ['blank lines and multi-line values', true],
  ])('maps every row of a larger file to its line (%s)', async (_name, irregular) => {
    t = await tempWarehouse();
    // Each row's invoice_id names the line it is written on, so the expected line is in the data.
    let line = 1;
    const out = ['invoice_id,customer_id,invoice_date,due_date,amount,currency'];
    const expectedRejects: number[] = [];
    for (let i = 0; i < 3000; i++) {
      line++;
      const kind = i % 97 === 5 ? 'fields' : i % 89 === 7 ? 'value' : irregular && i % 83 === 3 ? 'multiline' : 'good';
      if (kind === 'fields') {
        out.push(`L${line},C1,2024-01-01`);
        expectedRejects.push(line);
      } else if (kind === 'value') {
        out.push(`L${line},C1,2024-01-01,2024-01-31,1;5,USD`);
        expectedRejects.push(line);
      } else if (kind === 'multiline') {
        out.push(`L${line},"C1\nsecond line",2024-01-01,2024-01-31,1.00,USD`);
        line++;
      } else out.push(`L${line},C1,2024-01-01,2024-01-31,1.00,USD`);
      if (irregular && i % 71 === 0) {
        out.push('');
        line++;
      }
    }
    const path = join(t.dir, 'invoices.csv');
    writeFileSync(path, `${out.join('\n')}\n`);
    const [r] = await ingestFiles(t.wh, [path]);
    expect(r?.rowsRejected).toBe(expectedRejects.length);
    const wrong = await t.wh.all(
      `select invoice_id, source_line from invoices where source_line <> cast(substr(invoice_id, 2) as integer)`,
    );
    expect(wrong).toEqual([]);
    expect(await t.wh.all('select count(*)::integer as n from invoices')).toEqual([{ n: 3000 - expectedRejects.length }]);
    const lines = await t.wh.all<{ line: number }>('select line from rejected_rows order by line');
    expect(lines.map((x) => x.line)).toEqual(expectedRejects);
  });

  it.each([
    ['empty.csv', 'line 1: the file is empty: expected a header row'],
    ['unterminated.csv', 'line 3: a quoted value is never closed (unterminated quote)'],
    ['latin1.csv', 'line 3: the file is not UTF-8 encoded'],
    ['typo.csv', "unknown column 'amout' (did you mean 'amount'?)"],
    ['unknown-layout.csv', 'cannot tell which kind of export this is from its header (foo, bar); give --kind'],
  ])('fails %s as a whole, saying why and where', async (file, why) => {
    const { wh, r } = await load(file);
    expect(r.status).toBe('failed');
    expect(r.message).toContain(why);
    expect(r.rowsLoaded).toBe(0);
    await expectNothingLoaded(wh);
    expect(await wh.all('select status, file_name from load_runs')).toEqual([{ status: 'failed', file_name: file }]);
  });

  it('loads a header-only file as zero rows', async () => {
    const { r } = await load('header-only.csv');
    expect(r).toMatchObject({ status: 'loaded', rowsRead: 0, rowsLoaded: 0, message: 'the file has a header but no data rows' });
  });

  it('checks a file against --kind', async () => {
    const { wh, r } = await load('reordered-header.csv', 'payments');
    expect(r).toMatchObject({ kind: 'payments', status: 'failed' });
    expect(r.message).toContain('the header does not fit the payments layout (given with --kind): missing required columns payment_id');
    await expectNothingLoaded(wh);
  });

  it('loads files in dependency order whatever order they are given in', async () => {
    t = await tempWarehouse();
    const names = ['write_offs', 'applications', 'invoices', 'customers', 'collectors', 'fx_rates'];
    const results = await ingestFiles(t.wh, names.map((n) => join(GOOD, `${n}.csv`)));
    expect(results.map((r) => r.kind)).toEqual(['collectors', 'fx_rates', 'customers', 'invoices', 'applications', 'write_offs']);
    expect(results.every((r) => r.status === 'loaded')).toBe(true);
    const ids = await t.wh.all<{ kind: string }>('select kind from load_runs order by load_run_id');
    expect(ids.map((r) => r.kind)).toEqual(results.map((r) => r.kind));
  });

  it('the CLI prints a summary and the rejected rows, and exits non-zero when a file failed', async () => {
    t = await tempWarehouse();
    t.wh.close();
    const out: string[] = [];
    const err: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
    const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
    const program = new Command().option('--db <path>').exitOverride();
    registerIngest(program);
    const exitBefore = process.exitCode;
    try {
      await program.parseAsync(['--db', t.config.dbPath, 'ingest', join(FORMAT, 'semicolon.csv'), join(FORMAT, 'quoted.csv')], {
        from: 'user',
      });
      expect(process.exitCode).toBe(1);
    } finally {
      process.exitCode = exitBefore;
      log.mockRestore();
      error.mockRestore();
    }
    const stdout = out.join('\n');
    expect(stdout).toMatch(/file\s+kind\s+status\s+loaded\s+updated\s+rejected\s+duplicate\s+message/);
    expect(stdout).toMatch(/quoted\.csv\s+invoices\s+partial\s+3\s+0\s+1\s+0/);
    expect(stdout).toContain("quoted.csv line 6: amount: 'bad' is not a number");
    expect(stdout).toContain("semicolon.csv: FAILED, nothing loaded — line 1: the header is separated by ';'");
    expect(err.join('\n')).toContain('1 file(s) failed');
  });
});
