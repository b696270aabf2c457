/** Fast renderers for the integer-cents and day-number values of the demo model. */
export function formatCents(cents: number): string {
  const neg = cents < 0;
  const abs = neg ? -cents : cents;
  const whole = Math.floor(abs / 100);
  const frac = abs - whole * 100;
  return `${neg ? '-' : ''}${whole}.${frac < 10 ? '0' : ''}${frac}`;
}

const NEEDS_QUOTES = /[",\r\n]/;

/** RFC 4180 field quoting, only when the value needs it. */
export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
