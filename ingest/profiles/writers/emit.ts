/**
 * Rendering a set of canonical CSV files (e.g. a generated demo set) in a system's export layout:
 * reads `<kind>.csv` files, renders them with the format's writer and writes the result to a folder.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { readCsv } from '../read-csv.ts';
import { cellText } from '../values.ts';
import { EXPORT_FORMATS, FORMAT_KINDS, renderFormat, type ExportFormat } from './index.ts';
import type { CanonicalRow } from './format.ts';

export function isExportFormat(name: string): name is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(name);
}

/** Canonical rows of one canonical CSV file (header row, then one record per row). */
export function readCanonicalCsv(path: string): CanonicalRow[] {
  const table = readCsv(readFileSync(path), basename(path), { delimiter: ',' });
  const [header, ...rows] = table.rows;
  if (!header) return [];
  const names = header.cells.map(cellText);
  return rows.map((r) => Object.fromEntries(names.map((n, i) => [n, cellText(r.cells[i] ?? null)])));
}

/**
 * Writes `format`'s export files for the canonical files given (named `<kind>.csv`; kinds the layout does
 * not carry are ignored, applications are read to know what is paid) into outDir; returns the paths written.
 */
export function emitFormat(format: ExportFormat, canonicalFiles: readonly string[], outDir: string): string[] {
  const wanted = new Set([...FORMAT_KINDS[format], 'customers', 'applications']);
  const set: Record<string, CanonicalRow[]> = {};
  for (const file of canonicalFiles) {
    const kind = basename(file).replace(/\.csv$/i, '');
    if (wanted.has(kind)) set[kind] = readCanonicalCsv(file);
  }
  mkdirSync(outDir, { recursive: true });
  return renderFormat(format, set).map((f) => {
    const path = join(outDir, f.name);
    writeFileSync(path, f.content);
    return path;
  });
}
