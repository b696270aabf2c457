/**
 * Reading a workbook export: dates arrive as Excel dates and numbers as numbers (no locale guessing),
 * formulas contribute their cached result, rich text its plain text. Merged cells are remembered so a
 * merged header row can be refused by sheet and row instead of producing shifted columns.
 */
import ExcelJS from 'exceljs';
import { FileError } from '../../core/errors.ts';
import type { SourceRow, SourceTable } from './table.ts';
import type { Cell } from './values.ts';

function toCell(value: ExcelJS.CellValue): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value;
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('hyperlink' in value) return value.text;
  if ('error' in value) return value.error;
  if ('result' in value) return value.result === undefined ? null : toCell(value.result);
  return null;
}

function mergeRows(range: string): { top: number; bottom: number } | undefined {
  const m = /^[A-Z]+(\d+)(?::[A-Z]+(\d+))?$/.exec(range);
  if (!m) return undefined;
  const top = Number(m[1]);
  return { top, bottom: m[2] === undefined ? top : Number(m[2]) };
}

export async function readXlsx(bytes: Uint8Array, file: string, sheetName?: string): Promise<SourceTable> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(Buffer.from(bytes) as unknown as ExcelJS.Buffer);
  } catch (err) {
    throw new FileError(`not a readable .xlsx workbook: ${(err as Error).message}`, { file });
  }
  const sheets = wb.worksheets;
  let ws: ExcelJS.Worksheet | undefined;
  const notes: string[] = [];
  if (sheetName !== undefined) {
    ws = sheets.find((s) => s.name.toLowerCase() === sheetName.toLowerCase());
    if (!ws) {
      throw new FileError(`the workbook has no sheet "${sheetName}" (sheets: ${sheets.map((s) => s.name).join(', ')})`, { file });
    }
  } else {
    ws = sheets.find((s) => s.actualRowCount > 0);
    if (ws && sheets.filter((s) => s.actualRowCount > 0).length > 1) {
      notes.push(`read sheet "${ws.name}" (the first with data; name another with "source.sheet")`);
    }
  }
  if (!ws) throw new FileError('the workbook has no sheet with data', { file });
  const rows: SourceRow[] = [];
  const width = ws.columnCount;
  ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: Cell[] = [];
    for (let c = 1; c <= width; c++) cells.push(toCell(row.getCell(c).value));
    while (cells.length > 0 && (cells[cells.length - 1] === null || cells[cells.length - 1] === '')) cells.pop();
    if (cells.length > 0) rows.push({ line: rowNumber, cells });
  });
  const merges = (ws.model.merges ?? []).flatMap((range) => {
    const span = mergeRows(range);
    return span ? [{ ...span, range }] : [];
  });
  return { file: `${file} [sheet ${ws.name}]`, format: 'xlsx', sheet: ws.name, rows, notes, merges };
}
