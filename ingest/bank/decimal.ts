/**
 * Exact decimal arithmetic for bank amounts. Banks send up to five fraction digits (ISO 20022
 * allows 5; genkgo's fixture carries 3), so amounts are held as bigint at a fixed scale of 10^-5 and
 * written back as decimal strings. Floats never touch money.
 */
export const SCALE_DIGITS = 5;
const SCALE = 10n ** BigInt(SCALE_DIGITS);

export type Units = bigint;

const DECIMAL_RE = /^([+-])?(\d*)(?:[.,](\d*))?$/;

/**
 * "1234.5", "-0.01", "9," (MT940: comma decimals, trailing comma allowed), "000000001000,00".
 * Returns undefined for anything else or for more than five fraction digits (never a silent rounding).
 */
export function parseUnits(text: string): Units | undefined {
  const m = DECIMAL_RE.exec(text.trim());
  if (!m) return undefined;
  const whole = m[2] ?? '';
  const frac = m[3] ?? '';
  if (whole === '' && frac === '') return undefined;
  if (frac.length > SCALE_DIGITS || whole.length > 18) return undefined;
  const v = BigInt(whole === '' ? '0' : whole) * SCALE + BigInt(frac.padEnd(SCALE_DIGITS, '0') || '0');
  return m[1] === '-' ? -v : v;
}

/** Integer minor units with `decimals` implied fraction digits (BAI2, NACHA) → units. */
export function unitsFromMinor(minor: bigint, decimals: number): Units {
  if (decimals > SCALE_DIGITS) throw new RangeError(`too many implied decimals: ${decimals}`);
  return minor * 10n ** BigInt(SCALE_DIGITS - decimals);
}

/** Units → "12.5" style canonical text: at least two fraction digits, trailing zeros beyond two dropped. */
export function formatUnits(v: Units): string {
  const neg = v < 0n;
  const abs = neg ? -v : v;
  const whole = abs / SCALE;
  let frac = (abs % SCALE).toString().padStart(SCALE_DIGITS, '0');
  while (frac.length > 2 && frac.endsWith('0')) frac = frac.slice(0, -1);
  return `${neg ? '-' : ''}${whole}.${frac}`;
}

/** Exact cents, or undefined when the amount has a non-zero sub-cent part (DECIMAL(18,2) cannot hold it). */
export function unitsToCents(v: Units): bigint | undefined {
  const per = SCALE / 100n;
  return v % per === 0n ? v / per : undefined;
}

/** Canonical decimal string → units; throws on a malformed string (only used on our own output). */
export function units(text: string): Units {
  const v = parseUnits(text);
  if (v === undefined) throw new RangeError(`not a decimal amount: ${text}`);
  return v;
}
