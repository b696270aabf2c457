/**
 * Every canonical kind, same five promises: good rows load; a bad row is rejected with its line and field
 * while the others load; a structurally broken file loads nothing and says why; the same file again is a
 * duplicate that changes nothing; a corrected re-export updates by natural key without double counting.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ingestFiles } from '../../ingest/index.ts';
import { kindSpec } from '../../ingest/canonical/kinds.ts';
import { tempWarehouse, type TestWarehouse } from '../helpers/warehouse.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/canonical/', import.meta.url));

interface Case {
  kind: string;
  goodRows: number;
  /** The field the bad row (line 3 of bad-row/<kind>.csv) is rejected for. */
  badField: string;
  /** Natural key and column of the value the corrected re-export changes, with the new value. */
  changedKey: Record<string, string>;
  changedColumn: string;
  changedValue: string;
}

const CASES: Case[] = [
  { kind: 'collectors', goodRows: 2, badField: 'daily_capacity', changedKey: { collector_id: 'COL-1' }, changedColumn: 'name', changedValue: 'Ana Ortiz-Diaz' },
  { kind: 'fx_rates', goodRows: 3, badField: 'rate', changedKey: { rate_date: '2024-01-31', currency: 'EUR', base_currency: 'USD' }, changedColumn: 'rate', changedValue: '1.08500000' },
  { kind: 'customers', goodRows: 3, badField: 'payment_terms_days', changedKey: { customer_id: 'CUST-2' }, changedColumn: 'credit_limit', changedValue: '25000.00' },
  { kind: 'orders', goodRows: 2, badField: 'order_date', changedKey: { order_id: 'SO-2' }, changedColumn: 'amount', changedValue: '810.50' },
  { kind: 'invoices', goodRows: 3, badField: 'amount', changedKey: { invoice_id: 'INV-3' }, changedColumn: 'amount', changedValue: '109.99' },
  { kind: 'credit_notes', goodRows: 1, badField: 'amount', changedKey: { credit_note_id: 'CN-1' }, changedColumn: 'reason', changedValue: 'price adjustment (corrected)' },
  { kind: 'payments', goodRows: 2, badField: 'currency', changedKey: { payment_id: 'PAY-2' }, changedColumn: 'customer_id', changedValue: 'CUST-3' },
  { kind: 'applications', goodRows: 2, badField: 'applied_date', changedKey: { payment_id: 'PAY-1', invoice_id: 'INV-2' }, changedColumn: 'amount', changedValue: '700.50' },
  { kind: 'disputes', goodRows: 2, badField: 'cause', changedKey: { dispute_id: 'D-2' }, changedColumn: 'status', changedValue: 'in_review' },
  { kind: 'promises', goodRows: 1, badField: 'amount', changedKey: { promise_id: 'PR-1' }, changedColumn: 'status', changedValue: 'kept' },
  { kind: 'activities', goodRows: 2, badField: 'activity_type', changedKey: { activity_id: 'ACT-2' }, changedColumn: 'outcome', changedValue: 'no reply' },
  { kind: 'write_offs', goodRows: 1, badField: 'amount', changedKey: { write_off_id: 'WO-1' }, changedColumn: 'reason', changedValue: 'small balance under 1.00' },
];

let t: TestWarehouse | undefined;
afterEach(() => {
  t?.cleanup();
  t = undefined;
});

function tableOf(kind: string): string {
  const spec = kindSpec(kind);
  if (!spec) throw new Error(`no kind ${kind}`);
  return spec.table;
}

/** Rows of the kind's table that came from a file of that kind (invoices also derive payments etc.). */
async function rowsOf(wh: TestWarehouse['wh'], kind: string): Promise<Record<string, unknown>[]> {
  return wh.all(`select * exclude (load_run_id) from ${tableOf(kind)} where source_file = $1 order by all`, [`${kind}.csv`]);
}

async function countOf(wh: TestWarehouse['wh'], kind: string): Promise<number> {
  return (await rowsOf(wh, kind)).length;
}

describe.each(CASES)('canonical $kind', (c) => {
  it('loads good rows, treats the same file again as a duplicate and upserts a corrected re-export', async () => {
    t = await tempWarehouse();
    const { wh } = t;
    const [first] = await ingestFiles(wh, [join(FIXTURES, 'good', `${c.kind}.csv`)]);
    expect(first).toMatchObject({ kind: c.kind, status: 'loaded', rowsRead: c.goodRows, rowsLoaded: c.goodRows, rowsRejected: 0 });
    expect(await countOf(wh, c.kind)).toBe(c.goodRows);
    const lines = await wh.all<{ source_line: number }>(`select source_line from ${tableOf(c.kind)} where source_file = $1 order by 1`, [`${c.kind}.csv`]);
    expect(lines.map((r) => r.source_line)).toEqual(Array.from({ length: c.goodRows }, (_, i) => i + 2));

    const before = await rowsOf(wh, c.kind);
    const [again] = await ingestFiles(wh, [join(FIXTURES, 'good', `${c.kind}.csv`)]);
    expect(again).toMatchObject({ status: 'duplicate', rowsLoaded: 0, rowsUpdated: 0 });
    expect(await rowsOf(wh, c.kind)).toEqual(before);

    const [corrected] = await ingestFiles(wh, [join(FIXTURES, 'corrected', `${c.kind}.csv`)]);
    expect(corrected).toMatchObject({
      status: 'loaded',
      rowsRead: c.goodRows + 1,
      rowsLoaded: 1,
      rowsUpdated: 1,
      rowsDuplicate: c.goodRows - 1,
      rowsRejected: 0,
    });
    expect(await countOf(wh, c.kind)).toBe(c.goodRows + 1);
    const where = Object.keys(c.changedKey).map((k, i) => `${k}::varchar = $${i + 1}`).join(' and ');
    const changed = await wh.all(`select ${c.changedColumn}::varchar as v from ${tableOf(c.kind)} where ${where}`, Object.values(c.changedKey));
    expect(changed).toEqual([{ v: c.changedValue }]);
    const runs = await wh.all<{ status: string }>('select status from load_runs order by load_run_id');
    expect(runs.map((r) => r.status)).toEqual(['loaded', 'duplicate', 'loaded']);
  });

  it('rejects a bad row with its line and field while the good rows load; a broken file loads nothing', async () => {
    t = await tempWarehouse();
    const { wh } = t;
    // Broken: the column the bad row is about is misspelt in the header.
    const good = readFileSync(join(FIXTURES, 'good', `${c.kind}.csv`), 'utf8');
    const [header, ...rest] = good.split('\n');
    const misspelt = c.badField.slice(0, -1);
    const brokenPath = join(t.dir, `${c.kind}.csv`);
    writeFileSync(brokenPath, [header?.replace(new RegExp(`(^|,)${c.badField}(,|$)`), `$1${misspelt}$2`), ...rest].join('\n'));
    const [broken] = await ingestFiles(wh, [brokenPath], { kind: c.kind });
    expect(broken?.status).toBe('failed');
    if (kindSpec(c.kind)?.columns.find((col) => col.name === c.badField)?.required) {
      expect(broken?.message).toContain(`missing required column ${c.badField}`);
    }
    expect(broken?.message).toContain(`unknown column '${misspelt}'`);
    expect(await wh.all(`select count(*)::integer as n from ${tableOf(c.kind)}`)).toEqual([{ n: 0 }]);
    const failedRun = await wh.all('select line, field from rejected_rows where load_run_id = $1', [BigInt(broken?.loadRunId ?? 0)]);
    expect(failedRun).toEqual([{ line: 1, field: kindSpec(c.kind)?.columns.find((col) => col.name === c.badField)?.required ? c.badField : misspelt }]);

    const [partial] = await ingestFiles(wh, [join(FIXTURES, 'bad-row', `${c.kind}.csv`)]);
    expect(partial).toMatchObject({ kind: c.kind, status: 'partial', rowsRead: c.goodRows + 1, rowsLoaded: c.goodRows, rowsRejected: 1 });
    const rejected = await wh.all<{ line: number; field: string; reason: string }>(
      'select line, field, reason from rejected_rows where load_run_id = $1',
      [BigInt(partial?.loadRunId ?? 0)],
    );
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ line: 3, field: c.badField });
    expect(rejected[0]?.reason).toMatch(new RegExp(`^${c.badField}`));
    // The good rows keep their own lines: line 2, then 4, 5, … after the rejected line 3.
    const lines = await wh.all<{ source_line: number }>(`select source_line from ${tableOf(c.kind)} where source_file = $1 order by 1`, [`${c.kind}.csv`]);
    expect(lines.map((r) => r.source_line)).toEqual([2, ...Array.from({ length: c.goodRows - 1 }, (_, i) => i + 4)]);
  });
});
