/**
 * Collectors keep working while the pipeline runs: every activity and promise accepted during a run is in
 * the tables afterwards, and the next run builds its worklist with them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../jobs/pipeline.ts';
import { testApp } from '../helpers/app.ts';
import { seedDemo } from './seed.ts';

type Harness = Awaited<ReturnType<typeof testApp>>;
let h: Harness;

beforeAll(async () => {
  h = await testApp((t) => seedDemo(t));
}, 60_000);
afterAll(async () => {
  await h.close();
});

describe('collector writes during a pipeline run', () => {
  it('are never lost and reach the next run', async () => {
    const wh = h.t.wh;
    const asOf = (await wh.one<{ d: string }>(`select max(as_of)::varchar as d from worklist_items`))?.d ?? '';
    const promisedDate = (await wh.one<{ d: string }>(`select ($1::date + 7)::varchar as d`, [asOf]))?.d ?? '';
    // Open invoices on customers of the current worklist, one promise each.
    const targets = await wh.all<{ customer_id: string; invoice_id: string }>(
      `select i.customer_id, min(i.invoice_id) as invoice_id
       from invoices i join worklist_items w on w.customer_id = i.customer_id and w.as_of = $1::date
       where i.invoice_id not in (select invoice_id from payment_applications)
         and i.invoice_id not in (select invoice_id from promises_to_pay where invoice_id is not null and status = 'open') group by i.customer_id order by 1 limit 12`,
      [asOf],
    );
    expect(targets.length).toBeGreaterThan(2);

    let running = true;
    const run = runPipeline(wh, h.t.config).finally(() => {
      running = false;
    });
    const activityIds: string[] = [];
    const promised: { customerId: string; invoiceId: string; promiseId: string }[] = [];
    const problems: string[] = [];
    let n = 0;
    while (running || n < 10) {
      const target = targets[n % targets.length]!;
      const [a, p] = await Promise.all([
        h.app.inject({
          method: 'POST',
          url: '/api/v1/activities',
          headers: { 'idempotency-key': `act-${n}` },
          payload: { customerId: target.customer_id, type: 'call', outcome: 'left voicemail', note: `during run #${n}` },
        }),
        n < targets.length
          ? h.app.inject({
              method: 'POST',
              url: '/api/v1/promises',
              headers: { 'idempotency-key': `ptp-${n}` },
              payload: { customerId: target.customer_id, invoiceIds: [target.invoice_id], promisedDate },
            })
          : undefined,
      ]);
      if (a.statusCode === 201) activityIds.push((a.json() as { activityId: string }).activityId);
      else problems.push(`activity ${a.statusCode} ${a.body}`);
      if (p) {
        if (p.statusCode === 201) {
          const item = (p.json() as { items: { promiseId: string }[] }).items[0]!;
          promised.push({ customerId: target.customer_id, invoiceId: target.invoice_id, promiseId: item.promiseId });
        } else if (!(p.statusCode === 400 && p.body.includes('has nothing open'))) {
          // The concurrent cash-application stage may settle a target invoice first: refusing a promise
          // on a paid invoice is correct, and nothing was accepted, so nothing can be lost.
          problems.push(`promise ${p.statusCode} ${p.body}`);
        }
      }
      n++;
      await new Promise((r) => setTimeout(r, 20));
    }
    const result = await run;
    expect(result.status).toBe('succeeded');
    expect(problems).toEqual([]);
    expect(activityIds.length).toBeGreaterThanOrEqual(10);

    const storedActivities = await wh.all<{ activity_id: string }>(`select activity_id from activities where activity_id in (select unnest(string_split($1, ',')))`, [activityIds.join(',')]);
    expect(storedActivities.length).toBe(activityIds.length);
    const storedPromises = await wh.all(`select promise_id from promises_to_pay where promise_id in (select unnest(string_split($1, ',')))`, [promised.map((x) => x.promiseId).join(',')]);
    expect(storedPromises.length).toBe(promised.length);

    // The next run sees them: each of these customers is now held back by the call logged during the run
    // ("contacted today") or by the promise, or shows the promised invoice as promised.
    const next = await runPipeline(wh, h.t.config, { asOf });
    expect(next.status).toBe('succeeded');
    const items = await wh.all<{ customer_id: string; items: string; suppressed_by: string | null }>(
      `select customer_id, items, suppressed_by from worklist_items where as_of = $1::date and customer_id in (select unnest(string_split($2, ',')))`,
      [asOf, promised.map((x) => x.customerId).join(',')],
    );
    if (promised.length > 0) expect(items.length).toBeGreaterThan(0);
    for (const row of items) {
      const by = (row.suppressed_by ?? '').toLowerCase();
      const invoiceId = promised.find((x) => x.customerId === row.customer_id)?.invoiceId;
      const item = (JSON.parse(row.items) as { invoiceId: string; status: string }[]).find((i) => i.invoiceId === invoiceId);
      const seen = item?.status === 'promised' || row.items.includes(promisedDate) || by.includes(`contacted today (${asOf})`) || by.includes('promise');
      expect(seen, `${row.customer_id}: ${row.items.slice(0, 300)} / ${row.suppressed_by}`).toBe(true);
    }
  }, 90_000);
});
