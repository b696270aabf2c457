/**
 * Byte-level work on a CSV file that DuckDB's reader does not give us: the sha256 (duplicate detection),
 * the header (kind detection, delimiter and column checks before any row is read) and physical line
 * numbers (DuckDB reports record positions, but people need the line their editor shows).
 */
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { FileError } from '../../core/errors.ts';

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const HEAD_BYTES = 1 << 20;

export interface FileScan {
  sha256: string;
  size: number;
  /** Physical lines (a final line without a newline counts). */
  lines: number;
  /** Leading bytes, enough for the header record. */
  head: Buffer;
  /** Whether the file contains any double quote (multi-line records are only possible if it does). */
  hasQuote: boolean;
}

export async function scanFile(path: string): Promise<FileScan> {
  const hash = createHash('sha256');
  let size = 0;
  let newlines = 0;
  let last = -1;
  let hasQuote = false;
  const headChunks: Buffer[] = [];
  let headLen = 0;
  try {
    for await (const raw of createReadStream(path, { highWaterMark: 1 << 20 })) {
      const chunk = raw as Buffer;
      hash.update(chunk);
      size += chunk.length;
      if (headLen < HEAD_BYTES) {
        headChunks.push(chunk);
        headLen += chunk.length;
      }
      // indexOf runs natively; a byte loop in JS would dominate the cost for large files.
      for (let i = chunk.indexOf(LF); i !== -1; i = chunk.indexOf(LF, i + 1)) newlines++;
      if (!hasQuote && chunk.indexOf(QUOTE) !== -1) hasQuote = true;
      if (chunk.length > 0) last = chunk[chunk.length - 1] ?? -1;
    }
  } catch (err) {
    throw new FileError(`cannot read the file: ${(err as Error).message}`, {});
  }
  const lines = newlines + (size > 0 && last !== LF ? 1 : 0);
  return { sha256: hash.digest('hex'), size, lines, head: Buffer.concat(headChunks).subarray(0, HEAD_BYTES), hasQuote };
}

/** The leading bytes only (enough for the header), without reading the whole file. */
export function readHead(path: string): Buffer {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new FileError(`cannot read the file: ${(err as Error).message}`, {});
  }
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const n = readSync(fd, buf, 0, HEAD_BYTES, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

export interface Header {
  /** Column names as written (trimmed). */
  names: string[];
  /** Byte length of the BOM (0 or 3). */
  bomLength: number;
}

const DELIMITER_NAMES: Record<string, string> = { ';': "';'", '\t': 'a tab', '|': "'|'" };

/**
 * Reads the header record (RFC 4180 quoting). Structural problems are FileErrors at line 1: empty file,
 * not UTF-8, a delimiter other than ',', empty or repeated column names.
 */
export function parseHeader(head: Buffer): Header {
  const bomLength = head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  const body = head.subarray(bomLength);
  let end = 0;
  let inQuote = false;
  while (end < body.length) {
    const b = body[end];
    if (b === QUOTE) inQuote = !inQuote;
    else if (!inQuote && (b === LF || b === CR)) break;
    end++;
  }
  if (inQuote) throw new FileError('the header row has an unterminated quote', { line: 1 });
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body.subarray(0, end));
  } catch {
    throw new FileError('the file is not UTF-8 encoded; re-export it as UTF-8', { line: 1 });
  }
  if (text.trim() === '') {
    throw new FileError(
      body.length === 0 ? 'the file is empty: expected a header row' : 'the first line is empty: expected a header row',
      { line: 1 },
    );
  }
  const names = splitRecord(text).map((n) => n.trim());
  if (names.length === 1) {
    for (const [delim, label] of Object.entries(DELIMITER_NAMES)) {
      if (text.includes(delim)) {
        throw new FileError(
          `the header is separated by ${label}, not ','; canonical files are comma-separated — re-export with ',' as the delimiter`,
          { line: 1 },
        );
      }
    }
  }
  const seen = new Set<string>();
  names.forEach((n, i) => {
    if (n === '') throw new FileError(`column ${i + 1} of the header has no name`, { line: 1 });
    const lower = n.toLowerCase();
    if (seen.has(lower)) throw new FileError(`column '${n}' appears twice in the header`, { line: 1, field: n });
    seen.add(lower);
  });
  return { names, bomLength };
}

function splitRecord(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inQuote = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inQuote) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cur += '"';
          i++;
        } else inQuote = false;
      } else cur += ch;
    } else if (ch === '"') inQuote = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

export interface RecordStarts {
  /** Byte offset where each data record starts (header excluded, blank lines skipped). */
  offsets: number[];
  /** Physical line (1-based) of each record start. */
  lines: number[];
}

/**
 * Finds where every data record starts, following quotes so a quoted value spanning lines stays one
 * record. Only used for files where records and lines do not line up one to one (blank lines or
 * multi-line values), so its byte loop is not on the path of ordinary large files.
 */
export async function recordStarts(path: string): Promise<RecordStarts> {
  const offsets: number[] = [];
  const lines: number[] = [];
  let pos = 0;
  let line = 1;
  let inQuote = false;
  let atLineStart = true;
  let lineStartPos = 0;
  let lineHasContent = false;
  let prevCR = false;
  let recordOpen = false;
  for await (const raw of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const chunk = raw as Buffer;
    for (let i = 0; i < chunk.length; i++, pos++) {
      const b = chunk[i];
      if (b === LF && prevCR) {
        prevCR = false;
        continue; // CRLF: the newline was counted at the CR
      }
      prevCR = false;
      if (atLineStart) {
        lineStartPos = pos;
        lineHasContent = false;
        atLineStart = false;
      }
      if (b === QUOTE) inQuote = !inQuote;
      if (b === LF || b === CR) {
        if (b === CR) prevCR = true;
        if (!inQuote) recordOpen = false;
        line++;
        atLineStart = true;
        continue;
      }
      if (!lineHasContent) {
        lineHasContent = true;
        if (!recordOpen) {
          recordOpen = true;
          offsets.push(lineStartPos);
          lines.push(line);
        }
      }
    }
  }
  // The first record is the header.
  offsets.shift();
  lines.shift();
  return { offsets, lines };
}

/** Physical line (1-based) of each byte offset; offsets need not be sorted. */
export async function linesAtOffsets(path: string, offsets: readonly number[]): Promise<Map<number, number>> {
  const sorted = [...new Set(offsets)].sort((a, b) => a - b);
  const result = new Map<number, number>();
  if (sorted.length === 0) return result;
  let k = 0;
  let base = 0;
  let newlines = 0;
  for await (const raw of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const chunk = raw as Buffer;
    const end = base + chunk.length;
    let i = chunk.indexOf(LF);
    while (k < sorted.length && (sorted[k] ?? 0) < end) {
      const target = (sorted[k] ?? 0) - base;
      while (i !== -1 && i < target) {
        newlines++;
        i = chunk.indexOf(LF, i + 1);
      }
      result.set(sorted[k] ?? 0, newlines + 1);
      k++;
    }
    while (i !== -1) {
      newlines++;
      i = chunk.indexOf(LF, i + 1);
    }
    base = end;
    if (k >= sorted.length) break;
  }
  for (; k < sorted.length; k++) result.set(sorted[k] ?? 0, newlines + 1);
  return result;
}
