/**
 * Bytes → text. Bank files are nominally ASCII/UTF-8 but real ones arrive in Latin-1/cp1252, so text
 * formats fall back to cp1252 (every byte maps to a character, nothing is lost silently — the result is
 * flagged). XML formats follow their declared encoding and never guess.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { BankParseError } from './errors.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const cp1252 = new TextDecoder('windows-1252');
const latin1 = new TextDecoder('latin1');

export interface DecodedText {
  readonly text: string;
  readonly encoding: 'utf-8' | 'windows-1252' | 'iso-8859-1';
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Offset of the first byte that makes the buffer invalid UTF-8 (for the error message). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    i += need + 1;
  }
  return -1;
}

function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < bytes.length; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

/** Text formats (MT940, BAI2, OFX 1.x, NACHA): UTF-8 if valid, else Windows-1252. */
export function decodeLenient(bytes: Uint8Array): DecodedText {
  try {
    return { text: stripBom(utf8.decode(bytes)), encoding: 'utf-8' };
  } catch {
    return { text: cp1252.decode(bytes), encoding: 'windows-1252' };
  }
}

const PIECE = 4 * 1024 * 1024;

/**
 * XML text in pieces (large documents do not fit in one string). Honours the encoding in the declaration
 * (UTF-8 when absent, per the XML spec). Invalid UTF-8 in a file that says it is UTF-8 is refused with the
 * byte offset and line, since guessing would corrupt names.
 */
function xmlDecoder(bytes: Uint8Array, format: string, file: string): TextDecoder {
  const head = latin1.decode(bytes.subarray(0, 200));
  const declared = /^(?:\uFEFF|\u00ef\u00bb\u00bf)?\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1]?.toLowerCase();
  if (declared === 'iso-8859-1' || declared === 'latin1' || declared === 'latin-1') return new TextDecoder('latin1');
  if (declared === 'windows-1252' || declared === 'cp1252') return new TextDecoder('windows-1252');
  if (declared === undefined || ['utf-8', 'utf8', 'us-ascii', 'ascii'].includes(declared)) return new TextDecoder('utf-8', { fatal: true });
  throw new BankParseError(format, `unsupported XML encoding '${declared}'`, { file, line: 1, field: 'encoding' });
}

function invalidUtf8(bytes: Uint8Array, format: string, file: string): BankParseError {
  const at = firstInvalidUtf8(bytes);
  return new BankParseError(
    format,
    `the file is not valid UTF-8 (byte 0x${(bytes[at] ?? 0).toString(16).padStart(2, '0')} at offset ${at}); ` +
      're-export it as UTF-8 or declare its real encoding in the XML declaration',
    { file, line: lineAt(bytes, at), field: 'encoding' },
  );
}

/** End of the piece starting at `at`: just before a '<', else never inside a multi-byte sequence. */
function pieceEnd(bytes: Uint8Array, at: number): number {
  let end = Math.min(at + PIECE, bytes.length);
  if (end < bytes.length) {
    // 0x3C never occurs inside a multi-byte UTF-8 sequence, so the reader can take each piece as it is.
    const lt = bytes.lastIndexOf(0x3c, end - 1);
    if (lt > at) end = lt;
    else while (end > at + 1 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  }
  return end;
}

/**
 * XML in pieces for a reader that takes UTF-8 as bytes. A UTF-8 document is validated once, whole
 * (`isUtf8`, native), and comes as Latin-1 strings of its bytes — one character per byte, many times
 * cheaper to make than decoding — with `utf8Bytes` true: the reader decodes only the texts that contain
 * non-ASCII bytes (markup is ASCII). A Latin-1/cp1252 document comes decoded, as from xmlTextPieces.
 */
export function xmlPieces(bytes: Uint8Array, format: string, file: string): { utf8Bytes: boolean; pieces: Iterable<string> } {
  const decoder = xmlDecoder(bytes, format, file);
  if (decoder.encoding !== 'utf-8') return { utf8Bytes: false, pieces: xmlTextPieces(bytes, format, file) };
  if (!isUtf8(bytes)) throw invalidUtf8(bytes, format, file);
  const raw = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  function* pieces(): Generator<string> {
    for (let at = bom; at < bytes.length; ) {
      const end = pieceEnd(bytes, at);
      yield raw.toString('latin1', at, end);
      at = end;
    }
  }
  return { utf8Bytes: true, pieces: pieces() };
}

export function* xmlTextPieces(bytes: Uint8Array, format: string, file: string): Generator<string> {
  const decoder = xmlDecoder(bytes, format, file);
  const raw = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    let first = true;
    let at = 0;
    while (at < bytes.length) {
      // End each piece just before a '<' (0x3C never occurs inside a multi-byte UTF-8 sequence), so the
      // reader can take each piece as it is.
      const end = pieceEnd(bytes, at);
      const slice = bytes.subarray(at, end);
      // Bank files are nearly all ASCII, which reads the same in all three encodings: a one-byte string
      // straight from the bytes is many times faster than the UTF-8 decoder (measured ~10x on camt).
      let piece = isAscii(slice) ? raw.toString('latin1', at, end) : decoder.decode(slice);
      if (first) {
        piece = stripBom(piece);
        first = false;
      }
      yield piece;
      at = end;
    }
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    throw invalidUtf8(bytes, format, file);
  }
}

/** Splits on CRLF, LF or lone CR. */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\n|\r/);
}
