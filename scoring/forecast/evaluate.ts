/**
 * `npm run evaluate:forecast`: rolling-origin backtest of the cash forecast over the warehouse's history.
 * Origins every 4 weeks, the last one 13 weeks before the latest date in the data; each origin forecasts
 * with only the data known then (its stored scoring run, else scored as of the origin; inputs dated ≤
 * origin) and is calibrated on the origins 4, 8, … 24 weeks before it with only the receipts known at the
 * origin — exactly what `forecastCash` does in the pipeline — then compared with the payments that arrived
 * afterwards. Baselines in the same run: (a) every open invoice / order / run-rate invoice paid on its due
 * date, (b) paid after the customer's average days to pay, (c) seasonal naive on weekly receipts (the same
 * week a year earlier); the uncalibrated model is printed too, to show what the calibration adds.
 *
 * Usage: npm run evaluate:forecast -- [--db FILE] [--origins N] [--draws N] [--calibration-origins N] [--last-origin YYYY-MM-DD]
 *   (--last-origin: the latest origin, default 13 weeks before the latest date in the data; an earlier one
 *   backtests an earlier window)
 */
import { parseArgs } from 'node:util';
import { addDays, latestDataDate } from '../../core/as-of.ts';
import { loadConfig } from '../../core/config.ts';
import { Warehouse } from '../../core/warehouse.ts';
import { bias, coverage, wape, type Pair } from './accuracy.ts';
import { calibrateForecast, DEFAULT_CALIBRATION_ORIGINS, forecastFromPrepared } from './forecast.ts';
import { loadActualReceipts } from './inputs.ts';
import { PastOrigins } from './past-origins.ts';
import { dateOfDay, dayNumber, isoWeekStartDay } from './weeks.ts';

const { values } = parseArgs({
  options: { db: { type: 'string' }, origins: { type: 'string', default: '6' }, draws: { type: 'string', default: '1000' }, 'calibration-origins': { type: 'string', default: String(DEFAULT_CALIBRATION_ORIGINS) }, 'last-origin': { type: 'string' } },
});
const config = loadConfig(process.env, values.db ? { dbPath: values.db } : {});
const wh = await Warehouse.open(config.dbPath);
const WEEKS = 13;
const base = config.baseCurrency;
const latest = await latestDataDate(wh);
const nOrigins = Math.max(1, Number(values.origins));
const calOrigins = Math.max(0, Number(values['calibration-origins']));
const lastOrigin = values['last-origin'] ?? addDays(latest, -7 * WEEKS);
if (!/^\d{4}-\d{2}-\d{2}$/.test(lastOrigin) || lastOrigin > addDays(latest, -7 * WEEKS)) {
  throw new Error(`--last-origin must be a date YYYY-MM-DD at least 13 weeks before the latest date in the data (${latest})`);
}
const origins = Array.from({ length: nOrigins }, (_, k) => addDays(lastOrigin, -28 * (nOrigins - 1 - k)));
// keepModels: the models trained for the origins go to risk_model_store, as the pipeline's would
const past = new PastOrigins(wh, { baseCurrency: base, currency: null, weeks: WEEKS, draws: Number(values.draws), keepModels: true, keepPrepared: true });

type Method = 'model' | 'uncalibrated' | 'due_date' | 'average_days' | 'seasonal_naive';
const METHODS: Method[] = ['model', 'uncalibrated', 'due_date', 'average_days', 'seasonal_naive'];
const pairs = new Map<Method, { h: number; pair: Pair; scale: number }[]>(METHODS.map((m) => [m, []]));

const components = { open: [] as Pair[], other: [] as Pair[] };
const calNotes: string[] = [];
for (const origin of origins) {
  const t0 = performance.now();
  // the calibration first: its origins are older, so the origin itself can reuse their models
  const cal = await past.calibrationFor(origin, calOrigins);
  const prepared = await past.preparedAt(origin);
  const raw = await past.forecastAt(origin);
  if (!prepared || !raw) throw new Error(`origin ${origin} has less than 13 weeks of history before it; use fewer --origins`);
  const model = calOrigins > 0 ? calibrateForecast(forecastFromPrepared(prepared, { asOf: origin, weeks: WEEKS, baseCurrency: base, currency: null, draws: Number(values.draws), lines: false, openArTimingScale: cal.timingScale }), cal) : raw;
  if (calOrigins > 0) calNotes.push(`${origin}: ${model.notes[model.notes.length - 1] ?? ''}`);
  const opts = { asOf: origin, weeks: WEEKS, baseCurrency: base, currency: null, draws: 10, lines: false };
  const due = forecastFromPrepared(prepared, { ...opts, mode: 'due_date' });
  const avg = forecastFromPrepared(prepared, { ...opts, mode: 'average_days' });
  const end = addDays(model.weeks[WEEKS - 1]?.weekStart ?? origin, 6);
  const actualRows = await loadActualReceipts(wh, origin, end, base, null);
  const actual = new Map(actualRows.map((r) => [r.weekStart, r.total]));
  const actualOpen = new Map(actualRows.map((r) => [r.weekStart, r.openAr]));
  // weekly receipts history (complete weeks before the origin) for seasonal naive and the MASE scale
  const firstWeek = isoWeekStartDay(dayNumber(origin) + 1);
  const hist = new Map((await loadActualReceipts(wh, '1900-01-01', dateOfDay(firstWeek - 1), base, null, origin)).map((r) => [dayNumber(r.weekStart), r.total]));
  const histStart = Math.min(...hist.keys());
  const series: number[] = [];
  for (let d = histStart; d < firstWeek; d += 7) series.push(hist.get(d) ?? 0);
  const mae52 = (() => {
    let s = 0;
    let k = 0;
    for (let i = 52; i < series.length; i++) {
      s += Math.abs((series[i] as number) - (series[i - 52] as number));
      k++;
    }
    return k ? s / k : Number.NaN;
  })();
  model.weeks.forEach((w, k) => {
    const a = actual.get(w.weekStart) ?? 0;
    const wd = dayNumber(w.weekStart);
    const frac = (wd + 7 - Math.max(wd, dayNumber(origin) + 1)) / 7;
    const add = (m: Method, pair: Pair) => pairs.get(m)?.push({ h: k + 1, pair, scale: mae52 });
    const r = raw.weeks[k];
    add('model', { actual: a, forecast: w.expected, p10: w.p10, p90: w.p90 });
    add('uncalibrated', { actual: a, forecast: r?.expected ?? 0, p10: r?.p10 ?? 0, p90: r?.p90 ?? 0 });
    add('due_date', { actual: a, forecast: due.weeks[k]?.expected ?? 0 });
    add('average_days', { actual: a, forecast: avg.weeks[k]?.expected ?? 0 });
    components.open.push({ actual: actualOpen.get(w.weekStart) ?? 0, forecast: w.openAr });
    components.other.push({ actual: a - (actualOpen.get(w.weekStart) ?? 0), forecast: w.orders + w.newBusiness });
    add('seasonal_naive', { actual: a, forecast: (hist.get(wd - 364) ?? 0) * frac });
  });
  console.error(`origin ${origin}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

const pct = (x: number | null) => (x === null ? '—' : `${(100 * x).toFixed(1)}%`);
const fmt = (x: number | null) => (x === null ? '—' : x.toFixed(2));
const groups: [string, (h: number) => boolean][] = [['weeks 1–4', (h) => h <= 4], ['weeks 5–13', (h) => h >= 5], ['all 1–13', () => true]];
console.log(`Cash forecast backtest: ${origins.length} origins every 4 weeks (${origins[0]} … ${origins[origins.length - 1]}), 13 weeks each, ${base}, data to ${latest}; ` +
  `calibration on ${calOrigins} earlier origins per origin`);
console.log('P10–P90 coverage counts weeks with receipts (a weekend-only first week with nothing expected and nothing received is left out).');
console.log('method          | horizon    | WAPE   | bias   | MASE  | P10–P90 coverage');
for (const m of METHODS) {
  for (const [label, f] of groups) {
    const rows = (pairs.get(m) ?? []).filter((r) => f(r.h));
    const p = rows.map((r) => r.pair);
    // MASE per origin scale: mean of |error| / scale over the rows
    const ms = rows.length ? rows.reduce((s, r) => s + Math.abs(r.pair.actual - r.pair.forecast) / r.scale, 0) / rows.length : null;
    const banded = m === 'model' || m === 'uncalibrated';
    console.log(`${m.padEnd(15)} | ${label.padEnd(10)} | ${pct(wape(p)).padStart(6)} | ${pct(bias(p)).padStart(6)} | ${fmt(ms).padStart(5)} | ${banded ? pct(coverage(p.filter((x) => x.actual > 0))) : '—'}`);
  }
}
const sum = (p: Pair[], k: 'actual' | 'forecast') => p.reduce((t, x) => t + x[k], 0);
console.log(`\nmodel by component (all horizons): open AR at the origin — forecast ${sum(components.open, 'forecast').toFixed(0)} vs received ${sum(components.open, 'actual').toFixed(0)} (bias ${pct(bias(components.open))}); ` +
  `orders + new business — forecast ${sum(components.other, 'forecast').toFixed(0)} vs other receipts ${sum(components.other, 'actual').toFixed(0)} (bias ${pct(bias(components.other))})`);
if (calNotes.length) console.log(`\n${calNotes.join('\n')}`);
wh.close();
