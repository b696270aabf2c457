/** A source file as rows of cells, before any header is chosen: what both readers hand to a profile. */
import type { Cell } from './values.ts';

export interface SourceRow {
  /** 1-based line (CSV) or worksheet row number (XLSX) the record starts on. */
  readonly line: number;
  readonly cells: Cell[];
}

export interface SourceTable {
  /** Name used in messages: the file name, plus the sheet for workbooks. */
  readonly file: string;
  readonly format: 'csv' | 'xlsx';
  readonly sheet?: string;
  readonly rows: SourceRow[];
  /** Things the reader had to assume (encoding fallback, chosen sheet), reported with the load. */
  readonly notes: string[];
  /** Merged cell ranges of the sheet, as row spans, so a merged header row can be refused by name. */
  readonly merges: { top: number; bottom: number; range: string }[];
}
