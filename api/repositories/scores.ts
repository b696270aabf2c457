import { NoDataError, NotFoundError } from '../../core/errors.ts';
import type { Warehouse } from '../../core/warehouse.ts';

const parseJson = (text: unknown): unknown => (typeof text === 'string' && text ? JSON.parse(text) : []);

/** The as-of date to serve: the one asked for, or the newest one scored. */
async function scoredAsOf(wh: Warehouse, table: 'invoice_scores' | 'customer_scores', asOf: string | undefined): Promise<string> {
  if (asOf) {
    const row = await wh.one(`select 1 as ok from ${table} where as_of = $1::date limit 1`, [asOf]);
    if (!row) throw new NoDataError(`no scores as of ${asOf}; run \`ar-intel run --as-of ${asOf}\` or \`ar-intel score --as-of ${asOf} --out FILE.csv\``);
    return asOf;
  }
  const row = await wh.one<{ d: string | null }>(`select max(as_of)::varchar as d from ${table}`);
  if (!row?.d) throw new NoDataError('no scores yet; run `ar-intel run` (or `ar-intel score --out FILE.csv`) first');
  return row.d;
}

export type CustomerSort = 'risk' | 'score' | 'customer';

export async function listCustomerScores(wh: Warehouse, q: { asOf?: string | undefined; sort: CustomerSort; limit: number; riskClass?: string | undefined }) {
  const asOf = await scoredAsOf(wh, 'customer_scores', q.asOf);
  const order = q.sort === 'risk' ? 's.score asc, s.customer_id' : q.sort === 'score' ? 's.score desc, s.customer_id' : 's.customer_id';
  const rows = await wh.all(
    `select s.customer_id, c.name, coalesce(c.segment, '') as segment, s.score, s.risk_class, s.basis, s.paid_invoices,
            s.days_beyond_terms, s.open_invoices, s.max_p_late30, s.reasons,
            (select p.score from customer_scores p where p.customer_id = s.customer_id and p.as_of < s.as_of order by p.as_of desc limit 1) as previous_score,
            (select p.as_of::varchar from customer_scores p where p.customer_id = s.customer_id and p.as_of < s.as_of order by p.as_of desc limit 1) as previous_as_of
     from customer_scores s left join customers c on c.customer_id = s.customer_id
     where s.as_of = $1::date and ($2::varchar is null or s.risk_class = $2)
     order by ${order} limit $3`,
    [asOf, q.riskClass ?? null, q.limit],
  );
  return {
    asOf,
    items: rows.map((r) => ({
      customerId: String(r.customer_id),
      name: r.name === null ? null : String(r.name),
      segment: String(r.segment),
      score: Number(r.score),
      riskClass: String(r.risk_class) as 'A' | 'B' | 'C' | 'D' | 'E',
      basis: String(r.basis),
      paidInvoices: Number(r.paid_invoices),
      daysBeyondTerms: r.days_beyond_terms === null ? null : Number(r.days_beyond_terms),
      openInvoices: Number(r.open_invoices),
      maxPLate30: r.max_p_late30 === null ? null : Number(r.max_p_late30),
      previousScore: r.previous_score === null ? null : Number(r.previous_score),
      previousAsOf: r.previous_as_of === null ? null : String(r.previous_as_of),
      reasons: parseJson(r.reasons) as { factor: string; direction: string; text: string }[],
    })),
  };
}

export async function customerScoreHistory(wh: Warehouse, customerId: string) {
  const rows = await wh.all(
    `select as_of::varchar as as_of, score, risk_class, basis, days_beyond_terms from customer_scores where customer_id = $1 order by as_of`,
    [customerId],
  );
  if (rows.length === 0) throw new NotFoundError(`scores of customer ${customerId}`);
  return {
    customerId,
    items: rows.map((r) => ({
      asOf: String(r.as_of),
      score: Number(r.score),
      riskClass: String(r.risk_class),
      basis: String(r.basis),
      daysBeyondTerms: r.days_beyond_terms === null ? null : Number(r.days_beyond_terms),
    })),
  };
}

export async function listInvoiceScores(wh: Warehouse, q: { asOf?: string | undefined; customerId?: string | undefined; limit: number; offset: number }) {
  const asOf = await scoredAsOf(wh, 'invoice_scores', q.asOf);
  const params = [asOf, q.customerId ?? null];
  const total = await wh.one<{ n: string }>(
    `select count(*)::varchar as n from invoice_scores where as_of = $1::date and ($2::varchar is null or customer_id = $2)`,
    params,
  );
  const rows = await wh.all(
    `select invoice_id, customer_id, open_amount::varchar as open_amount, currency, due_date::varchar as due_date,
            p_late, p_late30, p_write_off, expected_loss::varchar as expected_loss, days_to_pay_p10, days_to_pay_p50, days_to_pay_p90,
            expected_pay_date::varchar as expected_pay_date, reasons, model_version
     from invoice_scores where as_of = $1::date and ($2::varchar is null or customer_id = $2)
     order by p_late30 desc, open_amount desc, invoice_id limit $3 offset $4`,
    [...params, q.limit, q.offset],
  );
  return {
    asOf,
    total: Number(total?.n ?? 0),
    items: rows.map((r) => ({
      invoiceId: String(r.invoice_id),
      customerId: String(r.customer_id),
      openAmount: String(r.open_amount),
      currency: String(r.currency),
      dueDate: String(r.due_date),
      pLate: Number(r.p_late),
      pLate30: Number(r.p_late30),
      pWriteOff: Number(r.p_write_off),
      expectedLoss: String(r.expected_loss),
      daysToPayP10: Number(r.days_to_pay_p10),
      daysToPayP50: Number(r.days_to_pay_p50),
      daysToPayP90: Number(r.days_to_pay_p90),
      expectedPayDate: String(r.expected_pay_date),
      modelVersion: String(r.model_version),
      reasons: parseJson(r.reasons) as { factor: string; direction: string; size: string; impact: number; text: string }[],
    })),
  };
}

export async function listRiskModels(wh: Warehouse, asOf: string | undefined) {
  const rows = await wh.all(
    `select model_version, as_of::varchar as as_of, target, algorithm, train_from::varchar as train_from, train_to::varchar as train_to,
            calib_from::varchar as calib_from, calib_to::varchar as calib_to, n_train, n_calib, metrics
     from risk_models where as_of = coalesce($1::date, (select max(as_of) from risk_models)) order by target`,
    [asOf ?? null],
  );
  return rows.map((r) => ({
    modelVersion: String(r.model_version),
    asOf: String(r.as_of),
    target: String(r.target),
    algorithm: String(r.algorithm),
    trainFrom: String(r.train_from),
    trainTo: String(r.train_to),
    calibFrom: r.calib_from === null ? null : String(r.calib_from),
    calibTo: r.calib_to === null ? null : String(r.calib_to),
    nTrain: Number(r.n_train),
    nCalib: Number(r.n_calib),
    metrics: parseJson(r.metrics) as Record<string, unknown>,
  }));
}
