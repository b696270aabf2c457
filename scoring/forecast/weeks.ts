/**
 * ISO-week arithmetic on day numbers (days since 1970-01-01, UTC) so the simulation can bucket pay
 * days with integer maths. Weeks start on Monday; week 1 of a forecast is the week holding the day
 * after the as-of date (so it may be partial: only days after the as-of date count).
 */
const MS_PER_DAY = 86_400_000;

export function dayNumber(date: string): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / MS_PER_DAY);
}

export function dateOfDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Monday of the ISO week of a day number (1970-01-01 was a Thursday). */
export function isoWeekStartDay(day: number): number {
  return day - ((((day + 3) % 7) + 7) % 7);
}

export function isoWeekStart(date: string): string {
  return dateOfDay(isoWeekStartDay(dayNumber(date)));
}

/** Mondays of the forecast weeks of an as-of date. */
export function forecastWeeks(asOf: string, weeks: number): string[] {
  const first = isoWeekStartDay(dayNumber(asOf) + 1);
  return Array.from({ length: weeks }, (_, k) => dateOfDay(first + 7 * k));
}

/** Week index of a day relative to the Monday of week 1 (negative before it). */
export function weekIndex(day: number, firstWeekDay: number): number {
  return Math.floor((day - firstWeekDay) / 7);
}
