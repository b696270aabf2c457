/**
 * Balance check per statement: opening + booked entries must equal closing. A statement that does not
 * tie is still loaded; the difference is reported (load_runs.balance_mismatch and the message), never
 * dropped. Statements without both balances (camt.054, OFX, NACHA, most BAI2 intraday) cannot be checked.
 */
import { formatUnits, units, type Units } from './decimal.ts';
import type { BankFile, BankStatement } from './model.ts';

export interface StatementCheck {
  readonly statementId: string | null;
  readonly accountId: string;
  readonly currency: string | null;
  readonly entries: number;
  readonly opening: string | null;
  readonly closing: string | null;
  readonly net: string;
  /** closing − (opening + net); null when the statement has no opening or closing balance. */
  readonly difference: string | null;
  readonly reconciles: boolean | null;
}

function booked(status: string | null): boolean {
  return status === null || status === 'BOOK';
}

export function checkStatement(s: BankStatement): StatementCheck {
  let net: Units = 0n;
  let count = 0;
  for (const e of s.entries) {
    if (!booked(e.status)) continue;
    const a = units(e.amount);
    net += e.direction === 'credit' ? a : -a;
    count++;
  }
  const base = {
    statementId: s.id,
    accountId: s.accountId,
    currency: s.currency,
    entries: count,
    opening: s.opening?.amount ?? null,
    closing: s.closing?.amount ?? null,
    net: formatUnits(net),
  };
  if (!s.opening || !s.closing) return { ...base, difference: null, reconciles: null };
  const diff = units(s.closing.amount) - (units(s.opening.amount) + net);
  return { ...base, difference: formatUnits(diff), reconciles: diff === 0n };
}

export interface FileCheck {
  readonly statements: readonly StatementCheck[];
  /** Sum of |difference| over the checkable statements; null when none could be checked. */
  readonly totalMismatch: string | null;
  /** One line per statement that does not tie. */
  readonly problems: readonly string[];
}

export function checkFile(file: BankFile): FileCheck {
  const statements = file.statements.map(checkStatement);
  const checkable = statements.filter((c) => c.difference !== null);
  let total: Units = 0n;
  const problems: string[] = [];
  for (const c of checkable) {
    const d = units(c.difference ?? '0');
    total += d < 0n ? -d : d;
    if (d !== 0n) {
      problems.push(
        `statement ${c.statementId ?? '?'} (account ${c.accountId}): opening ${c.opening} + entries ${c.net} ≠ closing ${c.closing}, difference ${c.difference} ${c.currency ?? ''}`.trim(),
      );
    }
  }
  return { statements, totalMismatch: checkable.length > 0 ? formatUnits(total) : null, problems };
}
