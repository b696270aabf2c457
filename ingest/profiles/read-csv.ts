/**
 * Reading a delimited export as its author's spreadsheet wrote it: UTF-8 with or without BOM,
 * UTF-16 (Excel "Unicode text"), or a legacy single-byte code page; comma, semicolon (European
 * Excel), tab or pipe; RFC 4180 quotes with embedded delimiters and line breaks. Each record keeps
 * the physical line it starts on so errors point into the user's file.
 */
import { FileError } from '../../core/errors.ts';
import type { SourceTable, SourceRow } from './table.ts';

export type Encoding = 'auto' | 'utf-8' | 'latin1';
export type Delimiter = ',' | ';' | '\t' | '|';

export interface CsvOptions {
  readonly encoding?: Encoding;
  readonly delimiter?: Delimiter;
}

export function decode(bytes: Uint8Array, encoding: Encoding, file: string): { text: string; note?: string } {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)) };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)) };
  const hasBom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = hasBom ? bytes.subarray(3) : bytes;
  if (encoding === 'latin1') return { text: new TextDecoder('windows-1252').decode(body) };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(body) };
  } catch {
    if (encoding === 'utf-8') {
      throw new FileError('the file is not valid UTF-8 (the profile says utf-8; use "encoding": "latin1" or "auto")', { file });
    }
    // Windows Excel saves "CSV" in the ANSI code page; Windows-1252 is the superset of latin-1 it uses.
    return {
      text: new TextDecoder('windows-1252').decode(body),
      note: 'not valid UTF-8: read as Windows-1252/latin-1',
    };
  }
}

/** Splits text into records; `line` is the 1-based physical line each record starts on. */
export function parseDelimited(text: string, delimiter: string, file: string): SourceRow[] {
  const rows: SourceRow[] = [];
  let field = '';
  let record: string[] = [];
  let inQuotes = false;
  let quoteLine = 0;
  let line = 1;
  let recordLine = 1;
  let fieldStarted = false;
  const endRecord = (): void => {
    record.push(field);
    if (!(record.length === 1 && record[0] === '')) rows.push({ line: recordLine, cells: record });
    record = [];
    field = '';
    fieldStarted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          inQuotes = false;
        }
      } else {
        if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && !fieldStarted) {
      inQuotes = true;
      quoteLine = line;
      fieldStarted = true;
    } else if (ch === delimiter) {
      record.push(field);
      field = '';
      fieldStarted = false;
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      // Copy a run of plain characters at once: per-character concatenation dominates on large files.
      let j = i + 1;
      while (j < text.length) {
        const c = text[j];
        if (c === delimiter || c === '\r' || c === '\n' || c === '"') break;
        j++;
      }
      field += text.slice(i, j);
      fieldStarted = true;
      i = j - 1;
    }
  }
  if (inQuotes) throw new FileError(`a quoted field opened on line ${quoteLine} is never closed`, { file, line: quoteLine });
  if (field !== '' || record.length > 0) endRecord();
  return rows;
}

const CANDIDATES: readonly Delimiter[] = [',', ';', '\t', '|'];

/**
 * The delimiter whose field count is most consistent over the first lines. Title rows above a
 * report's header (QuickBooks) have one field whatever the delimiter, so they do not vote.
 */
export function detectDelimiter(text: string): Delimiter {
  const sample = text.split(/\r\n|\n|\r/).slice(0, 30).join('\n');
  let best: Delimiter = ',';
  let bestScore = -1;
  for (const d of CANDIDATES) {
    let rows: SourceRow[];
    try {
      rows = parseDelimited(sample, d, '');
    } catch {
      // The sample may cut a quoted multi-line field; count what parsed before it.
      rows = [];
    }
    const counts = new Map<number, number>();
    for (const r of rows) if (r.cells.length > 1) counts.set(r.cells.length, (counts.get(r.cells.length) ?? 0) + 1);
    let score = 0;
    for (const [n, freq] of counts) score = Math.max(score, freq * 1000 + n);
    if (score > bestScore) {
      bestScore = score;
      best = d;
    }
  }
  return best;
}

export function readCsv(bytes: Uint8Array, file: string, opts: CsvOptions = {}): SourceTable {
  const { text, note } = decode(bytes, opts.encoding ?? 'auto', file);
  const delimiter = opts.delimiter ?? detectDelimiter(text);
  const rows = parseDelimited(text, delimiter, file);
  const notes = note ? [note] : [];
  return { file, format: 'csv', rows, notes, merges: [] };
}
