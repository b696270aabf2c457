import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scoresToCsv, SCORE_CSV_COLUMNS } from '../../scoring/export-csv.ts';
import { scoreAsOfAndStore } from '../../scoring/stage.ts';
import { tempWarehouse, type TestWarehouse } from '../helpers/warehouse.ts';
import { loadLedger, makeLedger } from './ledger.ts';

// each of these tests trains the full model set more than once (seven models over 13 snapshots)
const TRAINING_TIMEOUT_MS = 180_000;

// Two warehouses from one ledger: the full history, and the same ledger truncated at D (only what had
// happened by the end of D). Scoring as of D must not see the future, so both must give the same CSV.
const D = '2025-09-30';
let full: TestWarehouse;
let cut: TestWarehouse;

beforeAll(async () => {
  const ledger = makeLedger({ customers: 70, months: 26, seed: 11 });
  full = await tempWarehouse();
  cut = await tempWarehouse();
  await loadLedger(full.wh, full.dir, ledger);
  await loadLedger(cut.wh, cut.dir, ledger, D);
});

afterAll(() => {
  full?.cleanup();
  cut?.cleanup();
});

describe('ar-intel score is point-in-time', () => {
  it('gives identical scores on the full warehouse as of D and on the warehouse truncated at D', async () => {
    const a = await scoreAsOfAndStore(full.wh, D);
    const b = await scoreAsOfAndStore(cut.wh, D);
    // the full warehouse really knows more: some invoices open at D were paid after D
    const later = await full.wh.one<{ n: string }>(`select count(*)::varchar as n from payment_applications where applied_date > $1::date`, [D]);
    expect(Number(later?.n)).toBeGreaterThan(0);
    expect(a.result.scores.length).toBeGreaterThan(50);
    const csvA = scoresToCsv(a.result.scores);
    const csvB = scoresToCsv(b.result.scores);
    expect(csvA.split('\n')[0]).toBe(SCORE_CSV_COLUMNS.join(','));
    expect(csvB).toBe(csvA);
    expect(b.customers).toEqual(a.customers);
    // both models were really trained (not the fallback), otherwise the test proves little
    expect(a.result.bundle.late.algorithm).not.toBe('history');
    expect(a.result.bundle.late.nTrain).toBeGreaterThan(200);
  }, TRAINING_TIMEOUT_MS);

  it('writes one CSV row per open invoice with probabilities in range and ordered quantiles', async () => {
    const { result } = await scoreAsOfAndStore(full.wh, D);
    const csv = scoresToCsv(result.scores);
    const path = join(full.dir, 'scores.csv');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path, csv);
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(lines.length - 1).toBe(result.scores.length);
    const open = await full.wh.one<{ n: string }>(
      `select count(*)::varchar as n from invoices i
       where i.invoice_date <= $1::date and i.amount - coalesce((select sum(amount) from payment_applications a where a.invoice_id = i.invoice_id and a.applied_date <= $1::date), 0)
         - coalesce((select sum(amount) from write_offs w where w.invoice_id = i.invoice_id and w.write_off_date <= $1::date), 0) > 0`,
      [D],
    );
    expect(result.scores.length).toBe(Number(open?.n));
    for (const s of result.scores) {
      expect(s.pLate).toBeGreaterThanOrEqual(0);
      expect(s.pLate).toBeLessThanOrEqual(1);
      expect(s.pLate30).toBeLessThanOrEqual(s.pLate + 1e-9);
      expect(s.daysToPayP10).toBeLessThanOrEqual(s.daysToPayP50);
      expect(s.daysToPayP50).toBeLessThanOrEqual(s.daysToPayP90);
      expect(s.expectedPayDate > D).toBe(true);
      expect(s.reasons.length).toBeGreaterThan(0);
      expect(s.reasons.length).toBeLessThanOrEqual(3);
      if (s.daysPastDue >= 0) expect(s.pLate).toBe(1);
    }
    const stored = await full.wh.one<{ n: string }>(`select count(*)::varchar as n from invoice_scores where as_of = $1::date`, [D]);
    expect(Number(stored?.n)).toBe(result.scores.length);
    const models = await full.wh.all<{ target: string }>(`select target from risk_models where as_of = $1::date order by target`, [D]);
    expect(models.map((m) => m.target)).toEqual(['days_to_pay', 'late', 'late30', 'write_off']);
  });
});
