// Types for csv.js, so TypeScript tests can import the browser module.
export interface CsvColumn<R> {
  label: string;
  key?: keyof R & string;
  value?: (row: R) => unknown;
}
export function toCsv<R>(rows: readonly R[], columns: readonly CsvColumn<R>[]): string;
export function downloadCsv<R>(filename: string, rows: readonly R[], columns: readonly CsvColumn<R>[]): void;
