/**
 * Mapping profiles written in YAML (same schema as JSON, errors with their line), and what re-loading the
 * same bytes means when the profile differs: same reading → duplicate; an edited definition of the same
 * profile → re-read, rows merged by their ids; another profile → refused, nothing loaded or double counted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArIntelError } from '../../core/errors.ts';
import { ingestFiles } from '../../ingest/index.ts';
import { loadProfile, parseProfileYaml } from '../../ingest/profiles/registry.ts';
import { tempWarehouse, type TestWarehouse } from '../helpers/warehouse.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/erp/generic/', import.meta.url));
const fixture = (p: string) => join(FIXTURES, p);

let t: TestWarehouse;
beforeAll(async () => {
  t = await tempWarehouse();
});
afterAll(() => t?.cleanup());

function problem(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ArIntelError);
    return (err as ArIntelError).describe();
  }
  throw new Error('expected an error');
}

describe('YAML mapping profiles', () => {
  it('read to the same profile as the JSON form', () => {
    expect(loadProfile(fixture('ledger-mapping.yaml'))).toEqual(loadProfile(fixture('ledger-mapping.json')));
  });

  it('report schema problems with their path and line, and YAML syntax errors with line and column', () => {
    const yaml = [
      'name: my-erp', //                            1
      'system: Acme',
      'description: test',
      'outputs:',
      '  - kind: invoices', //                      5
      '    fields:',
      '      invoice_id: Nr',
      '      amount: { column: Betrag, bogus: 1 }',
      '      disputed: { column: Strittig, map: { Ja: true } }',
    ].join('\n');
    const text = problem(() => parseProfileYaml(yaml, 'mine.yaml'));
    expect(text).toMatch(/^mine.yaml: invalid mapping profile:/);
    expect(text).toContain('outputs[0].fields.amount (line 8): ');
    // A YAML boolean where the schema wants text is named at its line.
    expect(text).toMatch(/outputs\[0\]\.fields\.disputed \(line 9\)/);
    // A missing field is reported at the line of the object it is missing from.
    const missing = problem(() => parseProfileYaml(yaml.split('\n').slice(0, 7).join('\n'), 'mine.yaml'));
    expect(missing).toMatch(/outputs\[0\]\.fields \(line 7\): invoices needs the fields customer_id, invoice_date, due_date, amount, currency/);
    expect(problem(() => parseProfileYaml('name: a\nname: b\n', 'dup.yaml'))).toMatch(/^dup.yaml: not valid YAML \(line 2, column 1\): .*unique/i);
    expect(problem(() => parseProfileYaml('outputs: [\n  - kind\n', 'broken.yaml'))).toMatch(/^broken.yaml: not valid YAML \(line \d+, column \d+\)/);
  });

  it('are chosen by extension; other extensions are refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ar-intel-yaml-'));
    copyFileSync(fixture('ledger-mapping.yaml'), join(dir, 'm.yml'));
    expect(loadProfile(join(dir, 'm.yml')).name).toBe('example-ledger');
    copyFileSync(fixture('ledger-mapping.yaml'), join(dir, 'm.txt'));
    expect(problem(() => loadProfile(join(dir, 'm.txt')))).toMatch(/mapping profiles are JSON \(\.json\) or YAML \(\.yaml, \.yml\) files/);
  });
});

describe('re-loading the same file under a profile', () => {
  const count = async (table: string) => Number((await t.wh.one<{ n: string }>(`select count(*)::bigint as n from ${table}`))?.n ?? -1);
  const totals = async () => ({ invoices: await count('invoices'), payments: await count('payments'), credit_notes: await count('credit_notes') });

  it('loads through a YAML mapping and treats the same mapping in JSON as the same reading (duplicate)', async () => {
    const first = await ingestFiles(t.wh, [fixture('ledger.csv')], { profile: fixture('ledger-mapping.yaml') });
    expect(first.map((r) => [r.kind, r.profile, r.status, r.rowsLoaded])).toEqual([
      ['invoices', 'example-ledger', 'partial', 2],
      ['credit_notes', 'example-ledger', 'partial', 1],
      ['payments', 'example-ledger', 'loaded', 1],
    ]);
    const before = await totals();
    expect(before).toEqual({ invoices: 2, payments: 2, credit_notes: 1 });
    const again = await ingestFiles(t.wh, [fixture('ledger.csv')], { profile: fixture('ledger-mapping.json') });
    expect(again.map((r) => r.status)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect(await totals()).toEqual(before);
  });

  it('re-reads the file with an edited definition of the same profile, updating rows by id instead of adding them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ar-intel-yaml-'));
    const edited = join(dir, 'ledger-mapping.yaml');
    // The user corrects the default currency of rows without one.
    writeFileSync(edited, readFileSync(fixture('ledger-mapping.yaml'), 'utf8').replaceAll('default: EUR', 'default: CHF'));
    const before = await totals();
    const results = await ingestFiles(t.wh, [fixture('ledger.csv')], { profile: edited });
    expect(results.map((r) => [r.kind, r.status, r.rowsLoaded])).toEqual([
      ['invoices', 'partial', 0],
      ['credit_notes', 'partial', 0],
      ['payments', 'loaded', 0],
    ]);
    expect(results[0]!.rowsUpdated).toBe(1);
    expect(results[0]!.message).toMatch(/^re-read with an edited definition of profile example-ledger \(earlier reading: load run \d+\); profile example-ledger: /);
    expect(await totals()).toEqual(before);
    expect(await t.wh.all(`select invoice_id, currency from invoices order by 1`)).toEqual([
      { invoice_id: '4711', currency: 'CHF' },
      { invoice_id: '4712', currency: 'CHF' },
    ]);
  });

  it('refuses the same bytes under another profile, naming the earlier load, and changes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ar-intel-yaml-'));
    const other = join(dir, 'other.yaml');
    writeFileSync(other, readFileSync(fixture('ledger-mapping.yaml'), 'utf8').replace('name: example-ledger', 'name: other-ledger'));
    const before = await totals();
    const results = await ingestFiles(t.wh, [fixture('ledger.csv')], { profile: other });
    expect(results.every((r) => r.status === 'failed' && r.rowsLoaded === 0)).toBe(true);
    expect(results[0]!.message).toMatch(
      /^field profile: the same file was already loaded under profile example-ledger \(load run \d+, ledger.csv\); loading it again under profile other-ledger could count its rows twice under other ids, so nothing was loaded$/,
    );
    expect(await totals()).toEqual(before);
    // A failed attempt is not a reading: the original profile still finds its earlier load.
    const again = await ingestFiles(t.wh, [fixture('ledger.csv')], { profile: fixture('ledger-mapping.json') });
    expect(again.map((r) => r.status)).toEqual(['duplicate', 'duplicate', 'duplicate']);
  });
});
