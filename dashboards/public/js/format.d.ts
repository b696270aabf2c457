// Types for format.js, so TypeScript tests can import the browser module.
type Num = number | string | null | undefined;
export interface Formatter {
  readonly locale: string;
  money(v: Num, currency: string, options?: { compact?: boolean; exact?: boolean }): string;
  number(v: Num, digits?: number): string;
  percent(v: Num, digits?: number): string;
  days(v: Num, digits?: number): string;
  date(iso: string | null | undefined): string;
  month(iso: string | null | undefined): string;
}
export function formatter(locale?: string): Formatter;
export const fmt: Formatter;
