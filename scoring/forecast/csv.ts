import type { ForecastWeek } from './forecast.ts';

export const FORECAST_CSV_COLUMNS = ['week_start', 'expected', 'p10', 'p50', 'p90', 'open_ar', 'orders', 'new_business'] as const;

const money = (x: number) => (Math.round(x * 100) / 100).toFixed(2);

export function forecastToCsv(weeks: readonly ForecastWeek[]): string {
  const lines = weeks.map((w) => [w.weekStart, money(w.expected), money(w.p10), money(w.p50), money(w.p90), money(w.openAr), money(w.orders), money(w.newBusiness)].join(','));
  return `${[FORECAST_CSV_COLUMNS.join(','), ...lines].join('\n')}\n`;
}
