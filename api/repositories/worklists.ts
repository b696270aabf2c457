import type { Warehouse } from '../../core/warehouse.ts';
import type { WorklistEntry } from '../../scoring/worklist.ts';

export interface WorklistQuery {
  readonly queue: 'collector' | 'team';
  readonly collectorId?: string;
  readonly date?: string | undefined;
  readonly page: number;
  readonly pageSize: number;
  readonly minAtRisk?: number | undefined;
}

/** Latest date a worklist was built for (the published run's), or undefined before the first run. */
export async function latestWorklistDate(wh: Warehouse): Promise<string | undefined> {
  const row = await wh.one<{ d: string | null }>('select max(as_of)::varchar as d from worklist_items');
  return row?.d ?? undefined;
}

interface Row extends Record<string, unknown> {
  rank: number;
  customer_id: string;
  name: string;
  collector_id: string | null;
  score: number;
  total_open: string;
  total_overdue: string;
  total_at_risk: string;
  currency: string;
  max_days_past_due: number;
  action: string;
  channel: string;
  step: string;
  reasons: string;
  items: string;
  strategy_version: string;
  contact_name: string | null;
  email: string | null;
  phone: string | null;
  last_contacts: string;
  open_promises: string;
  open_disputes: string;
}

export async function readWorklist(wh: Warehouse, date: string, q: WorklistQuery) {
  const where = `w.as_of = $date::date and w.queue = $queue
    and ($collector::varchar is null or w.collector_id = $collector)
    and ($min_at_risk::double is null or w.total_at_risk >= $min_at_risk)`;
  const params = {
    date,
    queue: q.queue,
    collector: q.collectorId ?? null,
    min_at_risk: q.minAtRisk ?? null,
  };
  const total = await wh.one<{ n: string }>(`select count(*)::bigint as n from worklist_items w where ${where}`, params);
  // One pass per side table over the page's customers (not a sub-select per row): this is a hot read.
  const rows = await wh.all<Row>(
    `with page as (
       select w.* from worklist_items w where ${where}
       order by w.rank limit $limit offset $offset
     ),
     lc as (
       select a.customer_id,
              to_json(list({'at': strftime(a.activity_at, '%Y-%m-%dT%H:%M:%S'), 'type': a.activity_type, 'outcome': a.outcome, 'note': a.note}
                           order by a.activity_at desc)[1:3])::varchar as j
       from activities a join page p on p.customer_id = a.customer_id
       where a.activity_at::date <= p.as_of group by a.customer_id
     ),
     op as (
       select pr.customer_id,
              to_json(list({'promiseId': pr.promise_id, 'invoiceId': pr.invoice_id, 'promisedDate': pr.promised_date::varchar, 'amount': pr.amount::varchar}
                           order by pr.promised_date))::varchar as j
       from promises_to_pay pr join page p on p.customer_id = pr.customer_id
       where pr.status = 'open' and pr.created_date <= p.as_of group by pr.customer_id
     ),
     od as (
       select d.customer_id,
              to_json(list({'disputeId': d.dispute_id, 'invoiceId': d.invoice_id, 'cause': d.cause, 'amount': d.amount::varchar, 'status': d.status}
                           order by d.opened_date))::varchar as j
       from disputes d join page p on p.customer_id = d.customer_id
       where d.status in ('open', 'in_review') and d.opened_date <= p.as_of group by d.customer_id
     )
     select p.rank, p.customer_id, c.name, p.collector_id, p.score, p.total_open::varchar as total_open,
            p.total_overdue::varchar as total_overdue, p.total_at_risk::varchar as total_at_risk, p.currency,
            p.max_days_past_due, p.action, p.channel, p.step, p.reasons, p.items, p.strategy_version,
            c.contact_name, c.email, c.phone,
            coalesce(lc.j, '[]') as last_contacts, coalesce(op.j, '[]') as open_promises, coalesce(od.j, '[]') as open_disputes
     from page p
     left join customers c on c.customer_id = p.customer_id
     left join lc on lc.customer_id = p.customer_id
     left join op on op.customer_id = p.customer_id
     left join od on od.customer_id = p.customer_id
     order by p.rank`,
    { ...params, limit: q.pageSize, offset: (q.page - 1) * q.pageSize },
  );
  return {
    total: Number(total?.n ?? 0),
    strategyVersion: rows[0]?.strategy_version ?? null,
    items: rows.map((r) => ({
      rank: Number(r.rank),
      customerId: r.customer_id,
      name: r.name,
      collectorId: r.collector_id,
      score: Number(r.score),
      totalOpen: r.total_open,
      totalOverdue: r.total_overdue,
      totalAtRisk: r.total_at_risk,
      currency: r.currency,
      maxDaysPastDue: Number(r.max_days_past_due),
      action: r.action,
      channel: r.channel,
      step: r.step,
      reasons: JSON.parse(r.reasons) as string[],
      contact: { name: r.contact_name, email: r.email, phone: r.phone },
      lastContacts: JSON.parse(r.last_contacts) as { at: string; type: string; outcome: string | null; note: string | null }[],
      openPromises: JSON.parse(r.open_promises) as { promiseId: string; invoiceId: string | null; promisedDate: string; amount: string }[],
      openDisputes: JSON.parse(r.open_disputes) as { disputeId: string; invoiceId: string; cause: string; amount: string; status: string }[],
      items: JSON.parse(r.items) as WorklistEntry['items'],
    })),
  };
}
