import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../core/as-of.ts';
import { scoreRows } from '../../scoring/delinquency.ts';
import { loadFeatures } from '../../scoring/features/load.ts';
import { chosenOnly, ledgerFingerprint } from '../../scoring/risk/model-store.ts';
import { scoreInvoicesAsOf, writeInvoiceScores } from '../../scoring/score-invoices.ts';
import { scoresStage } from '../../scoring/stage.ts';
import { tempWarehouse, type TestWarehouse } from '../helpers/warehouse.ts';
import { loadLedger, makeLedger } from './ledger.ts';

// each of these tests trains the full model set more than once (seven models over 13 snapshots)
const TRAINING_TIMEOUT_MS = 180_000;

// A model trained for D and kept is reused for a later date only within the allowed age and only while
// the ledger as known at D is unchanged; reuse must give exactly the scores the trained model gives.
const D = '2025-08-31';
const LATER = addDays(D, 10);
let t: TestWarehouse;

beforeAll(async () => {
  t = await tempWarehouse();
  await loadLedger(t.wh, t.dir, makeLedger({ customers: 45, months: 22, seed: 8 }));
});

afterAll(() => t?.cleanup());

describe('risk model store', () => {
  it('keeps a trained model and reuses it later with identical scores; never a model from after the as-of date', async () => {
    const trained = await scoreInvoicesAsOf(t.wh, D, { keepModel: true });
    expect(trained.modelNote).toMatch(/^trained for 2025-08-31/);
    expect(trained.bundle.late.algorithm).not.toBe('history');

    const reused = await scoreInvoicesAsOf(t.wh, LATER, { reuseMaxAgeDays: 28 });
    expect(reused.modelNote).toMatch(/reused the model trained for 2025-08-31 \(10 days old/);
    // the stored bundle round-trips exactly (doubles survive JSON)
    expect(reused.bundle).toEqual(chosenOnly(trained.bundle));
    const features = await loadFeatures(t.wh, [LATER]);
    expect(reused.scores).toEqual(scoreRows(trained.bundle, features, features.rows));
    expect(reused.scores.length).toBeGreaterThan(20);

    // its risk_models rows are versioned by the scoring date and name the date the model was trained for
    await writeInvoiceScores(t.wh, reused);
    const rows = await t.wh.all<{ model_version: string; metrics: string }>(`select model_version, metrics from risk_models where as_of = $1::date and target = 'late'`, [LATER]);
    expect(rows.map((r) => r.model_version)).toEqual([`${trained.bundle.family}:late:${LATER}`]);
    expect(JSON.parse(rows[0]?.metrics ?? '{}').trainedAsOf).toBe(D);

    // the nightly scores stage reuses it too, and says so in the run log
    const log: string[] = [];
    await scoresStage.run({ wh: t.wh, asOf: addDays(D, 20), log: (m) => log.push(m) });
    expect(log.join('\n')).toMatch(/models reused the model trained for 2025-08-31 \(20 days old/);

    // too old for the caller, or from after the as-of date: trained afresh
    expect((await scoreInvoicesAsOf(t.wh, LATER)).modelNote).toMatch(/^trained for/);
    expect((await scoreInvoicesAsOf(t.wh, addDays(D, -1), { reuseMaxAgeDays: 28 })).modelNote).toMatch(/^trained for/);
  }, TRAINING_TIMEOUT_MS);

  it('ignores new activity after the training date but retrains when the history up to it changes', async () => {
    const before = await ledgerFingerprint(t.wh, D);
    const inv = await t.wh.one<{ invoice_id: string; customer_id: string }>(`select invoice_id, customer_id from invoices where invoice_date <= $1::date order by invoice_id limit 1`, [D]);
    await t.wh.run(
      `insert into promises_to_pay (promise_id, customer_id, invoice_id, created_date, promised_date, amount, status)
       values ('PTP-NEW', $1, $2, $3::date, $4::date, 10, 'open')`,
      [inv?.customer_id ?? '', inv?.invoice_id ?? '', addDays(D, 3), addDays(D, 20)],
    );
    expect(await ledgerFingerprint(t.wh, D)).toBe(before);
    expect((await scoreInvoicesAsOf(t.wh, LATER, { reuseMaxAgeDays: 28 })).modelNote).toMatch(/^reused/);

    // a payment application backdated into the training history
    await t.wh.run(
      `insert into payment_applications (application_id, payment_id, invoice_id, amount, applied_date, method)
       values ('APP-BACKDATED', 'PAY-BACKDATED', $1, 1.00, $2::date, 'manual')`,
      [inv?.invoice_id ?? '', addDays(D, -40)],
    );
    expect(await ledgerFingerprint(t.wh, D)).not.toBe(before);
    const after = await scoreInvoicesAsOf(t.wh, LATER, { reuseMaxAgeDays: 28 });
    expect(after.modelNote).toMatch(/^trained for .*the ledger up to 2025-08-31 changed/);
  }, TRAINING_TIMEOUT_MS);
});
