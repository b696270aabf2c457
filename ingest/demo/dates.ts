/**
 * The generator works on integer day numbers (days since 1970-01-01, UTC) so date arithmetic is a
 * plus sign; ISO strings are produced only when a row is written, from a cache.
 */
const MS_PER_DAY = 86_400_000;

export type Day = number;

export function dayFromIso(iso: string): Day {
  return Math.round(Date.parse(`${iso}T00:00:00Z`) / MS_PER_DAY);
}

const isoCache = new Map<Day, string>();

export function isoFromDay(day: Day): string {
  let s = isoCache.get(day);
  if (s === undefined) {
    s = new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
    isoCache.set(day, s);
  }
  return s;
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekday(day: Day): number {
  return (((day + 4) % 7) + 7) % 7;
}

export function isBusinessDay(day: Day): boolean {
  const w = weekday(day);
  return w !== 0 && w !== 6;
}

/** The same day if it is a business day, else the following Monday. */
export function nextBusinessDay(day: Day): Day {
  const w = weekday(day);
  if (w === 6) return day + 2;
  if (w === 0) return day + 1;
  return day;
}

export function addBusinessDays(day: Day, n: number): Day {
  let d = day;
  let left = n;
  while (left > 0) {
    d++;
    if (isBusinessDay(d)) left--;
  }
  return d;
}

/** First day of the month `offset` months after the month containing `day`. */
export function monthStart(day: Day, offset = 0): Day {
  const d = new Date(day * MS_PER_DAY);
  return Math.round(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1) / MS_PER_DAY);
}

/** Month of year 0–11. */
export function monthOfYear(day: Day): number {
  return new Date(day * MS_PER_DAY).getUTCMonth();
}
