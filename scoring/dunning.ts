/**
 * Dunning letters and emails rendered from a worklist entry: the items, amounts, days overdue and
 * interest/fees the strategy configures. The service only writes files; it never sends anything.
 */
import type { Strategy } from './strategy.ts';

export interface DunningItem {
  readonly invoiceId: string;
  readonly openAmount: string;
  readonly currency: string;
  readonly dueDate: string;
  readonly daysPastDue: number;
}

export interface DunningInput {
  readonly customerName: string;
  readonly contactName: string | null;
  readonly step: string;
  readonly channel: string;
  readonly items: readonly DunningItem[];
}

export interface DunningLetter {
  readonly subject: string;
  readonly body: string;
  readonly interest: Record<string, number>;
  readonly fees: number;
}

/** Simple interest per overdue item: open × annual rate × days overdue / 365, rounded to the cent. */
export function lateInterest(openAmount: number, daysPastDue: number, annualPct: number): number {
  if (daysPastDue <= 0 || annualPct <= 0) return 0;
  return Math.round(openAmount * (annualPct / 100) * (daysPastDue / 365) * 100) / 100;
}

const fmt = (n: number) => n.toFixed(2);

export function renderDunning(input: DunningInput, strategy: Strategy, asOf: string): DunningLetter {
  const d = strategy.dunning;
  const overdue = input.items.filter((i) => i.daysPastDue >= d.minDaysPastDue);
  const final = /final|hold|agency/i.test(input.step);
  const fees = final ? d.flatFee : 0;
  const interest: Record<string, number> = {};
  const lines = overdue.map((i) => {
    const amt = Number(i.openAmount);
    const int = final ? lateInterest(amt, i.daysPastDue, d.annualInterestPct) : 0;
    interest[i.currency] = Math.round(((interest[i.currency] ?? 0) + int) * 100) / 100;
    return `  ${i.invoiceId.padEnd(16)} due ${i.dueDate}  ${i.currency} ${fmt(amt).padStart(12)}  ${String(i.daysPastDue).padStart(4)} days overdue${int ? `  interest ${fmt(int)}` : ''}`;
  });
  const totals = Object.entries(
    overdue.reduce<Record<string, number>>((acc, i) => ({ ...acc, [i.currency]: (acc[i.currency] ?? 0) + Number(i.openAmount) }), {}),
  ).map(([cur, sum]) => `${cur} ${fmt(sum + (interest[cur] ?? 0))}`);
  const subject = final
    ? `Final notice: overdue invoices of ${input.customerName}`
    : `Reminder: overdue invoices of ${input.customerName}`;
  const body = [
    `Date: ${asOf}`,
    `To: ${input.contactName ?? 'Accounts payable'}, ${input.customerName}`,
    `Subject: ${subject}`,
    '',
    final
      ? 'Despite our earlier reminders the invoices below remain unpaid. Please pay the full amount within 7 days to avoid further action.'
      : 'Our records show the invoices below as unpaid. If you have already paid, please send us the remittance details.',
    '',
    ...lines,
    '',
    ...(fees ? [`  Collection fee: ${fmt(fees)}`] : []),
    `  Total due: ${totals.join(', ')}${fees ? ` plus the fee` : ''}`,
    '',
    'Please contact us if you dispute any of these items, so we can resolve it quickly.',
  ].join('\n');
  return { subject, body: `${body}\n`, interest, fees };
}
