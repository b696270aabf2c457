/** Reads of the cash forecast: stored runs when there is one for the as-of date, else computed on the fly. */
import { addDays, latestDataDate, resolveAsOf } from '../../core/as-of.ts';
import { ArIntelError, NoDataError } from '../../core/errors.ts';
import type { Warehouse } from '../../core/warehouse.ts';
import { bias, wape, type Pair } from '../../scoring/forecast/accuracy.ts';
import { forecastCash, type ForecastLine, type ForecastWeek } from '../../scoring/forecast/forecast.ts';
import { isoWeekStart } from '../../scoring/forecast/weeks.ts';

const money = (x: unknown) => (Math.round(Number(x ?? 0) * 100) / 100).toFixed(2);

interface Query { readonly asOf?: string | undefined; readonly weeks: number; readonly currency?: string | undefined }

async function storedRun(wh: Warehouse, asOf: string, currency: string, weeks: number): Promise<string | null> {
  const row = await wh.one<{ run_id: string }>(
    `select run_id from forecast_runs where as_of = $1::date and currency = $2 and weeks >= $3 order by created_seq desc, run_id desc limit 1`,
    [asOf, currency, weeks],
  );
  return row?.run_id ?? null;
}

function weekJson(w: ForecastWeek) {
  return {
    weekStart: w.weekStart,
    horizon: w.horizon,
    expected: money(w.expected),
    p10: money(w.p10),
    p50: money(w.p50),
    p90: money(w.p90),
    openAr: money(w.openAr),
    orders: money(w.orders),
    newBusiness: money(w.newBusiness),
  };
}

async function load(wh: Warehouse, baseCurrency: string, q: Query): Promise<{ asOf: string; currency: string; source: 'stored' | 'computed'; runId: string | null; weeks: ForecastWeek[]; lines: (() => Promise<ForecastLine[]>) }> {
  const asOf = await resolveAsOf(wh, q.asOf);
  const currency = q.currency ?? baseCurrency;
  const runId = await storedRun(wh, asOf, currency, q.weeks);
  if (runId !== null) {
    const rows = await wh.all(
      `select week_start, horizon, expected, p10, p50, p90, open_ar, orders, new_business from forecast_weeks
       where run_id = $1 and as_of = $2::date and currency = $3 order by week_start limit $4`,
      [runId, asOf, currency, q.weeks],
    );
    const weeks = rows.map((r) => ({
      weekStart: String(r.week_start), horizon: Number(r.horizon), expected: Number(r.expected), p10: Number(r.p10), p50: Number(r.p50), p90: Number(r.p90),
      openAr: Number(r.open_ar), orders: Number(r.orders), newBusiness: Number(r.new_business),
    }));
    const lines = async () =>
      (await wh.all(`select week_start, component, customer_id, item_id, item_currency, rate, expected from forecast_items where run_id = $1 and as_of = $2::date and currency = $3`, [runId, asOf, currency])).map((r) => ({
        weekStart: String(r.week_start), component: String(r.component) as ForecastLine['component'], customerId: String(r.customer_id), itemId: r.item_id === null ? null : String(r.item_id),
        currency: String(r.item_currency), rate: Number(r.rate), expected: Number(r.expected),
      }));
    return { asOf, currency, source: 'stored', runId, weeks, lines };
  }
  const known = await wh.one<{ n: number }>(`select (select count(*) from invoices where currency = $1) + (select count(*) from orders where currency = $1) as n`, [currency]);
  if (q.currency !== undefined && q.currency !== baseCurrency && Number(known?.n ?? 0) === 0) {
    throw new NoDataError(`no invoices or orders in currency ${q.currency}`);
  }
  const f = await forecastCash(wh, { asOf, weeks: q.weeks, baseCurrency, currency: q.currency && q.currency !== baseCurrency ? q.currency : null });
  return { asOf, currency: f.currency, source: 'computed', runId: null, weeks: f.weeks, lines: async () => f.lines };
}

export async function cashForecast(wh: Warehouse, baseCurrency: string, q: Query) {
  const f = await load(wh, baseCurrency, q);
  return { asOf: f.asOf, currency: f.currency, source: f.source, runId: f.runId, weeks: f.weeks.map(weekJson) };
}

export async function cashForecastWeek(wh: Warehouse, baseCurrency: string, weekStart: string, q: Omit<Query, 'weeks'>) {
  if (isoWeekStart(weekStart) !== weekStart) {
    throw new ArIntelError('VALIDATION', `weekStart must be the Monday of an ISO week, got ${weekStart} (its week starts ${isoWeekStart(weekStart)})`, { field: 'weekStart' });
  }
  const f = await load(wh, baseCurrency, { ...q, weeks: 13 });
  const week = f.weeks.find((w) => w.weekStart === weekStart);
  if (!week) {
    throw new ArIntelError('VALIDATION', `week ${weekStart} is outside the forecast of ${f.asOf} (${f.weeks[0]?.weekStart} to ${f.weeks[f.weeks.length - 1]?.weekStart})`, { field: 'weekStart' });
  }
  const lines = (await f.lines()).filter((l) => l.weekStart === weekStart).sort((a, b) => b.expected - a.expected || a.customerId.localeCompare(b.customerId));
  const customers = new Map<string, { openAr: number; orders: number; newBusiness: number; items: number }>();
  for (const l of lines) {
    const c = customers.get(l.customerId) ?? { openAr: 0, orders: 0, newBusiness: 0, items: 0 };
    if (l.component === 'open_ar') c.openAr += l.expected;
    else if (l.component === 'orders') c.orders += l.expected;
    else c.newBusiness += l.expected;
    if (l.itemId !== null) c.items++;
    customers.set(l.customerId, c);
  }
  return {
    asOf: f.asOf,
    currency: f.currency,
    source: f.source,
    week: weekJson(week),
    customers: [...customers.entries()]
      .map(([customerId, c]) => ({ customerId, expected: c.openAr + c.orders + c.newBusiness, ...c }))
      .sort((a, b) => b.expected - a.expected || a.customerId.localeCompare(b.customerId))
      .map((c) => ({ customerId: c.customerId, expected: money(c.expected), openAr: money(c.openAr), orders: money(c.orders), newBusiness: money(c.newBusiness), items: c.items })),
    items: lines.map((l) => ({ component: l.component, customerId: l.customerId, itemId: l.itemId, itemCurrency: l.currency, expected: money(l.expected) })),
  };
}

/**
 * Stored forecasts (latest run per as-of) against the receipts of every elapsed week. The variance of a
 * week splits into timing (open-AR invoices paid in another week than forecast), amount (open-AR
 * invoices paid short or not at all within the elapsed weeks, or paid though not expected) and new
 * invoices (receipts not applied to invoices open at the as-of date, against orders + new business).
 */
export async function forecastAccuracy(wh: Warehouse, baseCurrency: string, q: { currency?: string | undefined }) {
  const currency = q.currency ?? baseCurrency;
  const latest = await latestDataDate(wh);
  const runs = await wh.all<{ run_id: string; as_of: string }>(
    `select arg_max(run_id, created_seq) as run_id, as_of from forecast_runs where currency = $1 group by as_of order by as_of`,
    [currency],
  );
  const fxFilter = currency === baseCurrency ? null : currency;
  const out = [];
  const byHorizon = new Map<number, Pair[]>();
  for (const run of runs) {
    const weeks = await wh.all(
      `select week_start, horizon, expected, open_ar, orders, new_business from forecast_weeks
       where run_id = $1 and as_of = $2::date and currency = $3 and week_start + 6 <= $4::date order by week_start`,
      [run.run_id, run.as_of, currency, latest],
    );
    if (weeks.length === 0) continue;
    const end = addDays(String(weeks[weeks.length - 1]?.week_start), 6);
    // per-invoice receipts in report currency, at the as-of date's rate (as the forecast converted them)
    const actualRows = await wh.all<{ invoice_id: string; week_start: string; amount: number; is_old: boolean }>(
      `with fx as (
         select c.currency, (case when c.currency = $3 then 1 else coalesce(
           (select r.rate from fx_rates r where r.currency = c.currency and r.base_currency = $3 and r.rate_date <= $1::date order by r.rate_date desc limit 1),
           (select r.rate from fx_rates r where r.currency = c.currency and r.base_currency = $3 order by r.rate_date limit 1)) end)::double as rate
         from (select distinct currency from payments) c),
       pay as (
         select p.payment_id, p.received_date, p.amount::double as amount, case when $4::varchar is null then coalesce(fx.rate, 0) else 1 end as rate
         from payments p left join fx on fx.currency = p.currency
         where p.received_date > $1::date and p.received_date <= $2::date and ($4::varchar is null or p.currency = $4::varchar)),
       old as (
         select a.payment_id, a.invoice_id, sum(a.amount)::double as amount from payment_applications a join invoices i on i.invoice_id = a.invoice_id
         where i.invoice_date <= $1::date group by all),
       per_pay as (select payment_id, sum(amount) as applied from old group by payment_id)
       select old.invoice_id, date_trunc('week', pay.received_date)::date::varchar as week_start, sum(old.amount * pay.rate)::double as amount, true as is_old
       from pay join old on old.payment_id = pay.payment_id group by all
       union all
       select null, date_trunc('week', pay.received_date)::date::varchar, sum((pay.amount - least(coalesce(pp.applied, 0), pay.amount)) * pay.rate)::double, false
       from pay left join per_pay pp on pp.payment_id = pay.payment_id group by all`,
      [run.as_of, end, baseCurrency, fxFilter],
    );
    const lines = await wh.all<{ week_start: string; item_id: string; expected: number }>(
      `select week_start::varchar as week_start, item_id, expected::double as expected from forecast_items
       where run_id = $1 and as_of = $2::date and currency = $3 and component = 'open_ar' and week_start <= $4::date`,
      [run.run_id, run.as_of, currency, end],
    );
    const weekKeys = weeks.map((w) => String(w.week_start));
    const idx = new Map(weekKeys.map((k, i) => [k, i]));
    const inv = new Map<string, { e: number[]; a: number[] }>();
    const get = (id: string) => {
      let v = inv.get(id);
      if (!v) inv.set(id, (v = { e: weekKeys.map(() => 0), a: weekKeys.map(() => 0) }));
      return v;
    };
    for (const l of lines) {
      const i = idx.get(l.week_start);
      if (i !== undefined) get(l.item_id).e[i] = (get(l.item_id).e[i] as number) + l.expected;
    }
    const otherActual = weekKeys.map(() => 0);
    for (const r of actualRows) {
      const i = idx.get(r.week_start);
      if (i === undefined) continue;
      if (r.is_old && r.invoice_id !== null) get(r.invoice_id).a[i] = (get(r.invoice_id).a[i] as number) + r.amount;
      else otherActual[i] = (otherActual[i] as number) + r.amount;
    }
    const timing = weekKeys.map(() => 0);
    const openActual = weekKeys.map(() => 0);
    for (const v of inv.values()) {
      const E = v.e.reduce((s, x) => s + x, 0);
      const A = v.a.reduce((s, x) => s + x, 0);
      v.e.forEach((e, i) => {
        const a = v.a[i] as number;
        openActual[i] = (openActual[i] as number) + a;
        const share = E > 0 ? e / E : A > 0 ? a / A : 0;
        timing[i] = (timing[i] as number) + (a - e) - (A - E) * share;
      });
    }
    const items = weeks.map((w, i) => {
      const forecast = Number(w.expected);
      const actual = (openActual[i] as number) + (otherActual[i] as number);
      const newInvoices = (otherActual[i] as number) - Number(w.orders) - Number(w.new_business);
      const amount = (openActual[i] as number) - Number(w.open_ar) - (timing[i] as number);
      const h = Number(w.horizon);
      byHorizon.set(h, [...(byHorizon.get(h) ?? []), { actual, forecast }]);
      return {
        weekStart: String(w.week_start), horizon: h, forecast: money(forecast), actual: money(actual), variance: money(actual - forecast),
        timing: money(timing[i]), amount: money(amount), newInvoices: money(newInvoices),
      };
    });
    out.push({ runId: run.run_id, asOf: run.as_of, weeks: items });
  }
  if (out.length === 0) throw new NoDataError(`no stored cash forecast in ${currency} has an elapsed week yet (data ends ${latest}); run \`ar-intel run\` at earlier as-of dates`);
  const group = (f: (h: number) => boolean) => [...byHorizon.entries()].filter(([h]) => f(h)).flatMap(([, p]) => p);
  const stat = (p: Pair[]) => ({ wape: wape(p), bias: bias(p), weeks: p.length });
  return {
    currency,
    dataTo: latest,
    byHorizon: [...byHorizon.entries()].sort((a, b) => a[0] - b[0]).map(([horizon, p]) => ({ horizon, ...stat(p) })),
    weeks1to4: stat(group((h) => h <= 4)),
    weeks5to13: stat(group((h) => h >= 5)),
    runs: out,
  };
}

