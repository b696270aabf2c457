import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forecastStage } from '../../jobs/forecast-stage.ts';
import { scoresStage } from '../../scoring/stage.ts';
import { forecastCash } from '../../scoring/forecast/forecast.ts';
import { FORECAST_CSV_COLUMNS, forecastToCsv } from '../../scoring/forecast/csv.ts';
import { testApp } from '../helpers/app.ts';
import { loadLedger, makeLedger } from '../scoring/ledger.ts';

const D = '2025-08-31';
let ctx: Awaited<ReturnType<typeof testApp>>;

beforeAll(async () => {
  ctx = await testApp(async (t) => {
    await loadLedger(t.wh, t.dir, makeLedger({ customers: 30, months: 22, seed: 5 }), D);
    await t.wh.run(
      `insert into orders (order_id, customer_id, order_date, amount, currency, expected_invoice_date, status)
       values ('O-1', 'C0001', '2025-08-20', 5000.00, 'USD', '2025-09-10', 'open')`,
    );
    await scoresStage.run({ wh: t.wh, asOf: D, log: () => {} });
    await forecastStage.run({ wh: t.wh, config: t.config, asOf: D, runId: 'run-1', log: () => {} });
  });
}, 300_000);

afterAll(async () => {
  await ctx?.close();
});

describe('cash forecast end to end', () => {
  it('the stage stores 13 weeks and the API returns them with decimal strings', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: `/api/v1/forecast/cash?asOf=${D}&weeks=13` });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.source).toBe('stored');
    expect(body.runId).toBe('run-1');
    expect(body.weeks).toHaveLength(13);
    const w = body.weeks[1];
    expect(Object.keys(w).sort()).toEqual(['expected', 'horizon', 'newBusiness', 'openAr', 'orders', 'p10', 'p50', 'p90', 'weekStart'].sort());
    expect(body.weeks[0].weekStart).toBe('2025-09-01');
    for (const x of body.weeks) {
      expect(x.expected).toMatch(/^-?\d+\.\d{2}$/);
      expect(Number(x.p10)).toBeLessThanOrEqual(Number(x.p90));
      const parts = Number(x.openAr) + Number(x.orders) + Number(x.newBusiness);
      expect(Math.abs(parts - Number(x.expected))).toBeLessThan(0.05);
    }
    const orders = body.weeks.reduce((s: number, x: { orders: string }) => s + Number(x.orders), 0);
    expect(orders).toBeGreaterThan(3000);
    expect(Number(body.weeks[0].openAr)).toBeGreaterThan(0);
  });

  it('drills a week down to customers and invoices', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: `/api/v1/forecast/cash/week/2025-09-08?asOf=${D}` });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.week.weekStart).toBe('2025-09-08');
    const invoices = body.items.filter((i: { component: string }) => i.component === 'open_ar');
    expect(invoices.length).toBeGreaterThan(0);
    expect(invoices[0].itemId).toMatch(/^C\d{4}-I\d+$/);
    const itemSum = body.items.reduce((s: number, i: { expected: string }) => s + Number(i.expected), 0);
    expect(Math.abs(itemSum - Number(body.week.expected))).toBeLessThan(1 + body.items.length * 0.01);
    expect(body.customers[0].customerId).toMatch(/^C\d{4}$/);
  });

  it('rejects a week start that is not a Monday, naming the field', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: `/api/v1/forecast/cash/week/2025-09-09?asOf=${D}` });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('weekStart');
  });

  it('writes the CSV with exactly the contract columns', async () => {
    const body = (await ctx.app.inject({ method: 'GET', url: `/api/v1/forecast/cash?asOf=${D}` })).json();
    const csv = forecastToCsv(body.weeks.map((w: Record<string, string | number>) => Object.fromEntries(Object.entries(w).map(([k, v]) => [k, k === 'weekStart' || k === 'horizon' ? v : Number(v)]))));
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe('week_start,expected,p10,p50,p90,open_ar,orders,new_business');
    expect(FORECAST_CSV_COLUMNS).toHaveLength(8);
    expect(lines).toHaveLength(14);
    expect(lines[1]?.split(',')[0]).toBe('2025-09-01');
  });

  it('the stage spreads the stored invoice scores, and refuses an as-of date the scores stage has not scored', async () => {
    const wh = ctx.t.wh;
    const notes = JSON.parse(String((await wh.one(`select notes from forecast_runs where run_id = 'run-1'`))?.notes)) as string[];
    expect(notes.some((n) => n.includes('from the stored scores'))).toBe(true);
    expect(notes.some((n) => n.startsWith('calibrated on'))).toBe(true);
    // every stored score says "pays in more than a year": the open AR part of the next 13 weeks vanishes,
    // but for promised and disputed parts, which follow the promise / dispute outlook rather than the score
    const openAr = async () => {
      const f = await forecastCash(wh, { asOf: D, weeks: 13, baseCurrency: 'USD', currency: null, scores: 'stored', calibrationOrigins: 0, lines: false });
      return f.weeks.reduce((t, w) => t + w.openAr, 0);
    };
    const before = await openAr();
    await wh.run(`update invoice_scores set days_to_pay_p10 = days_to_pay_p10 + 400, days_to_pay_p50 = days_to_pay_p50 + 450, days_to_pay_p90 = days_to_pay_p90 + 500 where as_of = $1::date`, [D]);
    try {
      expect(before).toBeGreaterThan(1000);
      expect(await openAr()).toBeLessThan(0.05 * before);
    } finally {
      await wh.run(`update invoice_scores set days_to_pay_p10 = days_to_pay_p10 - 400, days_to_pay_p50 = days_to_pay_p50 - 450, days_to_pay_p90 = days_to_pay_p90 - 500 where as_of = $1::date`, [D]);
    }
    await expect(forecastStage.run({ wh, config: ctx.t.config, asOf: '2025-08-24', runId: 'run-x', log: () => {} })).rejects.toThrow(/no stored risk scores as of 2025-08-24/);
  }, 120_000);
});
