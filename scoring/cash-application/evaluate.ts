/**
 * Matching quality against a ground truth, at invoice level, by count and by value
 * (metrics.md §Cash application): header-level "right customer" scores would overstate it.
 * - auto-match rate: true (payment, item) pairs the matcher applied automatically / all true pairs
 *   of the payments it had to match;
 * - false-match rate: automatic applications to an item the payment did not pay / all automatic
 *   applications;
 * - unapplied cash: what is left neither applied nor on account, and what went on account.
 * Payments are split by whether their remittance names (even garbled) a document they pay.
 */
import { coreKeys, foldRef, referenceTokens, withinOneEdit } from './references.ts';

export interface TargetRow {
  readonly paymentId: string;
  readonly invoiceId: string | null;
  readonly creditNoteId: string | null;
  readonly cents: bigint;
}

export interface PaymentFacts {
  readonly paymentId: string;
  readonly text: string;
  readonly cents: bigint;
  readonly unappliedCents: bigint;
  readonly onAccountCents: bigint;
}

export interface GroupMetrics {
  readonly group: string;
  readonly payments: number;
  readonly trueItems: number;
  readonly trueCents: bigint;
  readonly correctItems: number;
  readonly correctCents: bigint;
  readonly autoItems: number;
  readonly autoCents: bigint;
  readonly wrongItems: number;
  readonly wrongCents: bigint;
  readonly paidCents: bigint;
  readonly unappliedCents: bigint;
  readonly onAccountCents: bigint;
}

const key = (r: TargetRow) => `${r.paymentId}|${r.invoiceId ?? ''}|${r.creditNoteId ?? ''}`;
const abs = (c: bigint) => (c < 0n ? -c : c);

/** Does the text name any of these documents, exactly, OCR-garbled or with one typo? */
export function mentionsAny(text: string, documentIds: readonly string[]): boolean {
  if (!text.trim()) return false;
  const tokens = referenceTokens(text);
  const folded = new Set(tokens.map(foldRef));
  const cores = tokens.flatMap(coreKeys);
  return documentIds.some((id) => folded.has(foldRef(id)) || coreKeys(id).some((c) => cores.some((t) => withinOneEdit(c, t))));
}

/**
 * `alreadyApplied`: applications that existed before the run (imported with the ledger); what
 * they cover was never the matcher's task, so it leaves the truth before scoring.
 */
export function evaluateMatching(
  truth: readonly TargetRow[],
  auto: readonly TargetRow[],
  payments: readonly PaymentFacts[],
  alreadyApplied: readonly TargetRow[] = [],
): GroupMetrics[] {
  const before = new Map<string, bigint>();
  for (const a of alreadyApplied) before.set(key(a), (before.get(key(a)) ?? 0n) + abs(a.cents));
  const open: TargetRow[] = [];
  for (const t of truth) {
    const done = before.get(key(t)) ?? 0n;
    const left = abs(t.cents) - done;
    before.set(key(t), done > abs(t.cents) ? done - abs(t.cents) : 0n);
    if (left > 0n) open.push({ ...t, cents: t.cents < 0n ? -left : left });
  }
  const truthByPayment = new Map<string, TargetRow[]>();
  for (const t of open) {
    const list = truthByPayment.get(t.paymentId);
    if (list) list.push(t);
    else truthByPayment.set(t.paymentId, [t]);
  }
  const autoByPayment = new Map<string, TargetRow[]>();
  for (const a of auto) {
    const list = autoByPayment.get(a.paymentId);
    if (list) list.push(a);
    else autoByPayment.set(a.paymentId, [a]);
  }
  const groups = new Map<string, { -readonly [K in keyof GroupMetrics]: GroupMetrics[K] }>();
  const bucket = (group: string) => {
    let g = groups.get(group);
    if (!g) {
      g = { group, payments: 0, trueItems: 0, trueCents: 0n, correctItems: 0, correctCents: 0n, autoItems: 0, autoCents: 0n, wrongItems: 0, wrongCents: 0n, paidCents: 0n, unappliedCents: 0n, onAccountCents: 0n };
      groups.set(group, g);
    }
    return g;
  };
  for (const p of payments) {
    const t = truthByPayment.get(p.paymentId) ?? [];
    const a = autoByPayment.get(p.paymentId) ?? [];
    const docs = t.map((r) => r.invoiceId ?? r.creditNoteId ?? '').filter((d) => d !== '');
    const name = mentionsAny(p.text, docs) ? 'with remittance reference' : 'without remittance reference';
    for (const g of [bucket(name), bucket('all')]) {
      g.payments++;
      g.paidCents += p.cents;
      g.unappliedCents += p.unappliedCents;
      g.onAccountCents += p.onAccountCents;
      const truthKeys = new Map(t.map((r) => [key(r), r]));
      for (const r of t) {
        g.trueItems++;
        g.trueCents += abs(r.cents);
      }
      for (const r of a) {
        g.autoItems++;
        g.autoCents += abs(r.cents);
        const hit = truthKeys.get(key(r));
        if (hit) {
          g.correctItems++;
          const m = abs(r.cents) < abs(hit.cents) ? abs(r.cents) : abs(hit.cents);
          g.correctCents += m;
          g.wrongCents += abs(r.cents) - m;
        } else {
          g.wrongItems++;
          g.wrongCents += abs(r.cents);
        }
      }
    }
  }
  const order = ['with remittance reference', 'without remittance reference', 'all'];
  return [...groups.values()].sort((x, y) => order.indexOf(x.group) - order.indexOf(y.group));
}

export function pct(part: bigint | number, whole: bigint | number): string {
  const w = Number(whole);
  return w === 0 ? '—' : `${((100 * Number(part)) / w).toFixed(1)}%`;
}

/** The metrics as a fixed-width table for a terminal or a report. */
export function metricsTable(rows: readonly GroupMetrics[]): string {
  const head = ['payments group', 'payments', 'true items', 'auto-applied correctly (count)', '(value)', 'false-match rate (count)', '(value)', 'unapplied cash', 'on account'];
  const money = (c: bigint) => (Number(c) / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const body = rows.map((g) => [
    g.group,
    String(g.payments),
    String(g.trueItems),
    pct(g.correctItems, g.trueItems),
    pct(g.correctCents, g.trueCents),
    pct(g.wrongItems, g.autoItems),
    pct(g.wrongCents, g.autoCents),
    `${money(g.unappliedCents)} (${pct(g.unappliedCents, g.paidCents)})`,
    money(g.onAccountCents),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}
