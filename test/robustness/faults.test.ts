/**
 * Faults from outside the program: a damaged database file, a disk that fills up during an ingest, a file
 * that disappears while it is being read. Each must end in a clear error with nothing half-written.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ArIntelError } from '../../core/errors.ts';
import { Warehouse } from '../../core/warehouse.ts';
import { ingestFiles, loadCanonicalFile } from '../../ingest/index.ts';
import { tempWarehouse, type TestWarehouse } from '../helpers/warehouse.ts';

let t: TestWarehouse | undefined;
const dirs: string[] = [];
afterEach(() => {
  t?.cleanup();
  t = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tmp(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

const count = async (wh: Warehouse, table: string) => Number((await wh.one<{ n: string }>(`select count(*)::bigint as n from ${table}`))?.n);

function invoicesCsv(rows: number): string {
  const lines = ['invoice_id,customer_id,invoice_date,due_date,amount,currency,po_number'];
  for (let i = 0; i < rows; i++) lines.push(`INV-${i},C1,2024-05-02,2024-06-01,${(i % 9000) + 100}.25,USD,PO-${'x'.repeat(40)}-${i}`);
  return `${lines.join('\n')}\n`;
}

async function seedCustomer(wh: Warehouse): Promise<void> {
  await wh.run(`insert into collectors (collector_id, name, daily_capacity) values ('K1', 'Kim', 40)`);
  await wh.run(`insert into customers (customer_id, name, country, currency, payment_terms_days, credit_limit, segment, industry, collector_id)
    values ('C1', 'Acme', 'US', 'USD', 30, 1000, 'smb', 'retail', 'K1')`);
}

/** A small tmpfs is the honest way to fill a disk; it needs root and mount, so elsewhere the case is skipped. */
function canMount(): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  const probe = mkdtempSync(join(tmpdir(), 'ar-intel-mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

describe('faults', () => {
  it('a database file full of garbage gives a clear error and is left as it was', async () => {
    const dir = tmp('ar-intel-corrupt-');
    const path = join(dir, 'warehouse.duckdb');
    const garbage = Buffer.alloc(64 * 1024);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919 + 13) % 251;
    writeFileSync(path, garbage);
    const err = await Warehouse.open(path).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ArIntelError);
    expect((err as ArIntelError).code).toBe('DATABASE');
    expect((err as Error).message).toContain(`cannot open the warehouse at ${path}`);
    expect((err as Error).message).toMatch(/damaged|move it aside/);
    expect(readFileSync(path).equals(garbage)).toBe(true);
    expect(statSync(join(dir, 'warehouse.duckdb.wal'), { throwIfNoEntry: false })).toBeUndefined();
  });

  it('a database file cut short (truncated mid-page) gives a clear error', async () => {
    const dir = tmp('ar-intel-truncated-');
    const path = join(dir, 'warehouse.duckdb');
    const wh = await Warehouse.open(path);
    await wh.run('checkpoint');
    wh.close();
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, Math.floor(bytes.length / 3) + 17));
    await expect(Warehouse.open(path)).rejects.toThrow(/cannot open the warehouse at .*(damaged|move it aside)/s);
  });

  it.skipIf(!canMount())('a disk that fills up during an ingest: clear failure, no invoice rows half-written, warehouse reopens intact', async () => {
    const mnt = tmp('ar-intel-tmpfs-');
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', mnt]);
    try {
      const dbPath = join(mnt, 'warehouse.duckdb');
      let wh = await Warehouse.open(dbPath);
      await seedCustomer(wh);
      await wh.run('checkpoint');
      const used = Number(execFileSync('du', ['-sk', mnt]).toString().split(/\s/)[0]);
      // Leave well under what 30k invoice rows need, so the load's own writes hit the wall.
      execFileSync('mount', ['-o', `remount,size=${used + 256}k`, mnt]);
      const csv = join(tmp('ar-intel-csv-'), 'invoices.csv');
      writeFileSync(csv, invoicesCsv(30_000));
      const outcome = await ingestFiles(wh, [csv]).then(
        (r) => ({ results: r, error: undefined as Error | undefined }),
        (e: unknown) => ({ results: undefined, error: e as Error }),
      );
      if (outcome.results) {
        expect(outcome.results.map((r) => r.status)).toEqual(['failed']);
        expect(outcome.results[0]?.message ?? '').toMatch(/space|disk|write|I\/O|IO Error/i);
      } else {
        expect(outcome.error?.message ?? '').toMatch(/space|disk|write|I\/O|IO Error|invalidated/i);
      }
      // Room again (the operator frees space); whatever the process did, the file must reopen with no partial load.
      try {
        wh.close();
      } catch {
        // a DuckDB instance invalidated by the I/O error may refuse even to close cleanly
      }
      execFileSync('mount', ['-o', 'remount,size=64m', mnt]);
      wh = await Warehouse.open(dbPath);
      try {
        expect(await count(wh, 'invoices')).toBe(0);
        expect(await count(wh, 'customers')).toBe(1);
        const loaded = await wh.all(`select status from load_runs where status in ('loaded', 'partial')`);
        expect(loaded).toEqual([]);
        // And the same file then loads completely.
        const again = await ingestFiles(wh, [csv]);
        expect(again.map((r) => r.status)).toEqual(['loaded']);
        expect(await count(wh, 'invoices')).toBe(30_000);
      } finally {
        wh.close();
      }
    } finally {
      execFileSync('umount', ['-l', mnt]);
    }
  }, 60_000);

  it('a file that vanishes between the scan and the load: failed load_run with the reason, nothing written', async () => {
    t = await tempWarehouse();
    await seedCustomer(t.wh);
    const csv = join(t.dir, 'invoices.csv');
    writeFileSync(csv, invoicesCsv(500));
    const result = await loadCanonicalFile(t.wh, csv, {
      onProgress: (f) => {
        if (f === 0.2) unlinkSync(csv);
      },
    }).then(
      (r) => r,
      (e: unknown) => e as Error,
    );
    if (result instanceof Error) {
      expect(result).toBeInstanceOf(ArIntelError);
      expect(result.message).toMatch(/invoices\.csv/);
    } else {
      expect(result.status).toBe('failed');
      expect(result.message ?? '').toMatch(/invoices\.csv|no such file|not exist|cannot (read|open)/i);
    }
    expect(await count(t.wh, 'invoices')).toBe(0);
    expect(await t.wh.all(`select status from load_runs where status <> 'failed'`)).toEqual([]);
  });

  it('a file that vanishes after ingest planned it: that file fails clearly, the others load', async () => {
    t = await tempWarehouse();
    const dir = join(t.dir, 'in');
    execFileSync('mkdir', ['-p', dir]);
    const collectors = join(dir, 'collectors.csv');
    const invoices = join(dir, 'invoices.csv');
    writeFileSync(collectors, 'collector_id,name,daily_capacity,email\nK1,Kim,40,kim@example.com\n');
    writeFileSync(invoices, invoicesCsv(10));
    let removed = false;
    const results = await ingestFiles(t.wh, [invoices, collectors], {
      onProgress: (done) => {
        if (done > 0 && !removed) {
          removed = true;
          unlinkSync(invoices);
        }
      },
    });
    expect(results.map((r) => [r.kind, r.status])).toEqual([
      ['collectors', 'loaded'],
      ['invoices', 'failed'],
    ]);
    expect(results[1]?.message ?? '').toMatch(/cannot read|no such file|ENOENT/i);
    expect(await count(t.wh, 'invoices')).toBe(0);
    expect(await count(t.wh, 'collectors')).toBe(1);
  });
});
