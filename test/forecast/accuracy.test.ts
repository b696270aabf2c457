import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp } from '../helpers/app.ts';

let ctx: Awaited<ReturnType<typeof testApp>>;

// As of Sunday 2025-01-05, weeks 2025-01-06 and 2025-01-13. Forecast: A 100 and B 200 in week 1, 50 of
// new business in week 2. Actual: B pays 150 in week 1, A pays 100 in week 2 (timing), new invoice C
// pays 80 in week 2.
beforeAll(async () => {
  ctx = await testApp(async ({ wh }) => {
    await wh.run(`insert into invoices (invoice_id, customer_id, invoice_date, due_date, amount, currency) values
      ('A', 'C1', '2024-12-01', '2025-01-07', 100, 'USD'), ('B', 'C2', '2024-12-01', '2025-01-07', 200, 'USD'), ('C', 'C1', '2025-01-08', '2025-01-15', 80, 'USD')`);
    await wh.run(`insert into payments (payment_id, received_date, amount, currency) values
      ('P1', '2025-01-08', 150, 'USD'), ('P2', '2025-01-14', 100, 'USD'), ('P3', '2025-01-19', 80, 'USD')`);
    await wh.run(`insert into payment_applications (application_id, payment_id, invoice_id, amount, applied_date, method) values
      ('X1', 'P1', 'B', 150, '2025-01-08', 'imported'), ('X2', 'P2', 'A', 100, '2025-01-14', 'imported'), ('X3', 'P3', 'C', 80, '2025-01-19', 'imported')`);
    await wh.run(`insert into forecast_runs values ('r1', '2025-01-05', 'USD', 2, 100, 1, '[]', 1)`);
    await wh.run(`insert into forecast_weeks values
      ('r1', '2025-01-05', 'USD', '2025-01-06', 1, 300, 250, 300, 350, 300, 0, 0),
      ('r1', '2025-01-05', 'USD', '2025-01-13', 2, 50, 30, 50, 70, 0, 0, 50)`);
    await wh.run(`insert into forecast_items values
      ('r1', '2025-01-05', 'USD', '2025-01-06', 'open_ar', 'C1', 'A', 'USD', 1, 100),
      ('r1', '2025-01-05', 'USD', '2025-01-06', 'open_ar', 'C2', 'B', 'USD', 1, 200),
      ('r1', '2025-01-05', 'USD', '2025-01-13', 'new_business', 'C1', null, 'USD', 1, 50)`);
  });
});

afterAll(async () => {
  await ctx?.close();
});

describe('GET /api/v1/forecast/accuracy', () => {
  it('computes WAPE and bias and splits the variance into timing, amount and new invoices', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/forecast/accuracy' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.weeks1to4.weeks).toBe(2);
    expect(body.weeks1to4.wape).toBeCloseTo(280 / 330, 6);
    expect(body.weeks1to4.bias).toBeCloseTo(20 / 330, 6);
    const [w1, w2] = body.runs[0].weeks;
    expect(w1).toMatchObject({ weekStart: '2025-01-06', forecast: '300.00', actual: '150.00', variance: '-150.00', timing: '-100.00', amount: '-50.00', newInvoices: '0.00' });
    expect(w2).toMatchObject({ weekStart: '2025-01-13', forecast: '50.00', actual: '180.00', variance: '130.00', timing: '100.00', amount: '0.00', newInvoices: '30.00' });
  });

  it('is a clear error when nothing is stored in the currency', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/forecast/accuracy?currency=EUR' });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.body).toContain('EUR');
  });
});
