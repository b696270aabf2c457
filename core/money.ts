/**
 * Money is exact: amounts live as bigint cents (DECIMAL(18,2) in DuckDB) and leave the service as
 * decimal strings. Floats are used only for ratios and model outputs, never for balances.
 */
const MONEY_RE = /^([+-])?(\d+)(?:\.(\d{1,2}))?$/;

export type Cents = bigint;

/** Parses "1234.5", "-0.01", ".50" into cents; returns undefined for anything else (never a silent 0). */
export function parseMoney(text: string): Cents | undefined {
  const t = text.trim();
  const normalised = t.startsWith('.') || t.startsWith('-.') || t.startsWith('+.') ? t.replace('.', '0.') : t;
  const m = MONEY_RE.exec(normalised);
  if (!m) return undefined;
  const sign = m[1] === '-' ? -1n : 1n;
  const whole = BigInt(m[2] ?? '0');
  const frac = BigInt((m[3] ?? '').padEnd(2, '0') || '0');
  return sign * (whole * 100n + frac);
}

export function formatMoney(cents: Cents): string {
  const neg = cents < 0n;
  const abs = neg ? -cents : cents;
  const whole = abs / 100n;
  const frac = (abs % 100n).toString().padStart(2, '0');
  return `${neg ? '-' : ''}${whole}.${frac}`;
}

/** Rounds a float amount (e.g. a simulated draw) to cents, half away from zero. */
export function centsFromNumber(value: number): Cents {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite amount: ${value}`);
  return BigInt(Math.sign(value) * Math.round(Math.abs(value) * 100));
}

export function centsToNumber(cents: Cents): number {
  return Number(cents) / 100;
}

/** Decimal string as DuckDB returns DECIMAL in JSON form → canonical two-decimal string. */
export function normaliseDecimalString(text: string): string {
  const c = parseMoney(text);
  if (c === undefined) throw new RangeError(`not a decimal amount: ${text}`);
  return formatMoney(c);
}
