/**
 * Bad-debt expense forecast: expected loss of each open invoice = probability of write-off × open
 * amount (the probability comes from the write-off history, see delinquency.ts), summed by segment,
 * risk class and expected write-off month. Sums are exact cents per currency; currencies are never
 * added together.
 */
import { formatMoney, parseMoney, type Cents } from '../core/money.ts';

export interface ExpectedLossRow {
  readonly invoiceId: string;
  readonly customerId: string;
  readonly segment: string;
  readonly riskClass: string;
  readonly currency: string;
  readonly openAmount: string;
  readonly expectedLoss: string;
  readonly pWriteOff: number;
  readonly month: string;
}

export interface LossGroup {
  readonly key: string;
  readonly currency: string;
  readonly invoices: number;
  readonly openAmount: string;
  readonly expectedLoss: string;
}

export interface BadDebtForecast {
  readonly asOf: string;
  readonly total: LossGroup[];
  readonly bySegment: LossGroup[];
  readonly byRiskClass: LossGroup[];
  readonly byMonth: LossGroup[];
}

function cents(text: string): Cents {
  const c = parseMoney(text);
  if (c === undefined) throw new RangeError(`not a decimal amount: ${text}`);
  return c;
}

function group(rows: readonly ExpectedLossRow[], keyOf: (r: ExpectedLossRow) => string): LossGroup[] {
  const acc = new Map<string, { key: string; currency: string; n: number; open: Cents; loss: Cents }>();
  for (const r of rows) {
    const key = keyOf(r);
    const id = `${key}\u0000${r.currency}`;
    const g = acc.get(id) ?? { key, currency: r.currency, n: 0, open: 0n, loss: 0n };
    g.n++;
    g.open += cents(r.openAmount);
    g.loss += cents(r.expectedLoss);
    acc.set(id, g);
  }
  return [...acc.values()]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.currency < b.currency ? -1 : 1))
    .map((g) => ({ key: g.key, currency: g.currency, invoices: g.n, openAmount: formatMoney(g.open), expectedLoss: formatMoney(g.loss) }));
}

export function summariseBadDebt(asOf: string, rows: readonly ExpectedLossRow[]): BadDebtForecast {
  return {
    asOf,
    total: group(rows, () => 'all'),
    bySegment: group(rows, (r) => r.segment || '(none)'),
    byRiskClass: group(rows, (r) => r.riskClass || '(unscored)'),
    byMonth: group(rows, (r) => r.month),
  };
}
