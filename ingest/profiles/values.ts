/**
 * Converting one source cell into canonical text: dates in the export's own pattern (`d/M/yyyy`,
 * `yyyyMMdd`, `dd.MM.yyyy` …), numbers with the export's decimal and grouping marks and sign habits
 * (SAP's trailing minus, accountants' parentheses), and boolean words. Every function returns a
 * result or an error message — never a silent default — so the caller can name the cell.
 */
import { isIsoDate } from '../../core/as-of.ts';
import { centsFromNumber, formatMoney, parseMoney } from '../../core/money.ts';

/** A cell as the readers deliver it: CSV gives text, XLSX may give typed values. */
export type Cell = string | number | boolean | Date | null;

export type Parsed = { ok: true; value: string } | { ok: false; reason: string };

const ok = (value: string): Parsed => ({ ok: true, value });
const fail = (reason: string): Parsed => ({ ok: false, reason });

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

interface CompiledFormat {
  readonly re: RegExp;
  readonly groups: string[];
}

const TOKEN_RE = /'[^']*'|yyyy|yy|MMMM|MMM|MM|M|dd|d|HH|H|mm|ss|S+|./g;

const TOKEN_PATTERNS: Record<string, string> = {
  yyyy: '(\\d{4})',
  yy: '(\\d{2})',
  MMMM: '([A-Za-z]{3,9})',
  MMM: '([A-Za-z]{3})',
  MM: '(\\d{2})',
  M: '(\\d{1,2})',
  dd: '(\\d{2})',
  d: '(\\d{1,2})',
  HH: '(\\d{2})',
  H: '(\\d{1,2})',
  mm: '(\\d{2})',
  ss: '(\\d{2})',
};

const cache = new Map<string, CompiledFormat>();

/** Compiles a date pattern (Unicode/Java style letters; text in single quotes is literal). */
export function compileDateFormat(format: string): CompiledFormat {
  const hit = cache.get(format);
  if (hit) return hit;
  const groups: string[] = [];
  let re = '^';
  for (const token of format.match(TOKEN_RE) ?? []) {
    const pattern = TOKEN_PATTERNS[token];
    if (pattern !== undefined) {
      groups.push(token);
      re += pattern;
    } else if (/^S+$/.test(token)) {
      groups.push('S');
      re += `(\\d{1,${token.length}})`;
    } else if (token.startsWith("'") && token.length >= 2) {
      re += escapeRe(token.slice(1, -1));
    } else {
      re += escapeRe(token);
    }
  }
  const compiled = { re: new RegExp(`${re}$`), groups };
  cache.set(format, compiled);
  return compiled;
}

/** Letters a date pattern may use; anything else alphabetic must be quoted. */
export function checkDateFormat(format: string): string | undefined {
  for (const token of format.match(TOKEN_RE) ?? []) {
    if (token.length === 1 && /[A-Za-z]/.test(token) && TOKEN_PATTERNS[token] === undefined && token !== 'S') {
      return `unknown pattern letter "${token}" (use yyyy yy MMMM MMM MM M dd d HH H mm ss S; quote literal text as 'T')`;
    }
  }
  const groups = compileDateFormat(format).groups;
  if (!groups.some((g) => g.startsWith('y')) || !groups.some((g) => g.startsWith('M')) || !groups.some((g) => g.startsWith('d'))) {
    return 'a date pattern needs a year (yyyy or yy), a month (M, MM or MMM) and a day (d or dd)';
  }
  return undefined;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface DateParts {
  date: string;
  time: string;
}

function matchDate(text: string, format: string): DateParts | undefined {
  const { re, groups } = compileDateFormat(format);
  const m = re.exec(text);
  if (!m) return undefined;
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i] as string;
    const v = m[i + 1] ?? '';
    switch (g) {
      case 'yyyy':
        year = Number(v);
        break;
      case 'yy':
        // Two-digit years in AR exports are recent: 00-69 → 20xx, 70-99 → 19xx.
        year = Number(v) < 70 ? 2000 + Number(v) : 1900 + Number(v);
        break;
      case 'MMMM':
      case 'MMM': {
        const idx = MONTHS.indexOf(v.slice(0, 3).toLowerCase());
        if (idx < 0) return undefined;
        month = idx + 1;
        break;
      }
      case 'MM':
      case 'M':
        month = Number(v);
        break;
      case 'dd':
      case 'd':
        day = Number(v);
        break;
      case 'HH':
      case 'H':
        hour = Number(v);
        break;
      case 'mm':
        minute = Number(v);
        break;
      case 'ss':
        second = Number(v);
        break;
      default:
        break;
    }
  }
  const date = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  if (!isIsoDate(date)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const time = `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:${String(second).padStart(2, '0')}`;
  return { date, time };
}

function datePartsOf(cell: Cell, formats: readonly string[]): DateParts | string {
  if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) return 'not a valid date';
    // Excel dates carry no zone; exceljs hands them over as UTC wall-clock values.
    const iso = cell.toISOString();
    return { date: iso.slice(0, 10), time: iso.slice(11, 19) };
  }
  if (typeof cell === 'number' || typeof cell === 'boolean') {
    return `expected a date, got the ${typeof cell} ${String(cell)}`;
  }
  const text = (cell ?? '').trim();
  for (const f of formats) {
    const parts = matchDate(text, f);
    if (parts) return parts;
  }
  return `"${text}" is not a date in the format ${formats.map((f) => `"${f}"`).join(' or ')}`;
}

export function parseDateCell(cell: Cell, formats: readonly string[]): Parsed {
  const parts = datePartsOf(cell, formats);
  return typeof parts === 'string' ? fail(parts) : ok(parts.date);
}

export function parseTimestampCell(cell: Cell, formats: readonly string[]): Parsed {
  const parts = datePartsOf(cell, formats);
  return typeof parts === 'string' ? fail(parts) : ok(`${parts.date}T${parts.time}`);
}

export interface NumberStyle {
  readonly decimal: '.' | ',';
  /** Grouping marks that may appear between digits; they are dropped. */
  readonly thousands: readonly string[];
}

/** Currency signs and ISO codes exporters put next to amounts; they carry no value here. */
const CURRENCY_AFFIX = /^(?:[A-Z]{3}\s*|[$€£¥₹])|(?:\s*[A-Z]{3}|[$€£¥₹])$/g;

/**
 * Parses an amount into a canonical decimal string. Handles "1,234.56", "1.234,56", "1 234,56",
 * "(1,234.56)" and SAP's trailing minus "1.234,56-". `scale` is how many decimals may survive
 * (2 for money; more for rates and percentages).
 */
export function parseNumberCell(cell: Cell, style: NumberStyle, scale = 2): Parsed {
  if (typeof cell === 'number') {
    if (!Number.isFinite(cell)) return fail(`not a finite number: ${cell}`);
    if (scale === 2) return ok(formatMoney(centsFromNumber(cell)));
    return ok(trimZeros(cell.toFixed(scale)));
  }
  if (cell instanceof Date || typeof cell === 'boolean') return fail(`expected a number, got ${String(cell)}`);
  const raw = (cell ?? '').trim();
  let text = raw.replace(CURRENCY_AFFIX, '').trim();
  let negative = false;
  if (/^\(.*\)$/.test(text)) {
    negative = true;
    text = text.slice(1, -1).trim();
  }
  if (text.endsWith('-')) {
    negative = !negative;
    text = text.slice(0, -1).trim();
  } else if (text.startsWith('-')) {
    negative = !negative;
    text = text.slice(1).trim();
  } else if (text.startsWith('+')) {
    text = text.slice(1).trim();
  }
  text = text.replace(CURRENCY_AFFIX, '').trim();
  for (const mark of style.thousands) {
    if (mark === '') continue;
    // A grouping mark only ever sits between digits; anywhere else it is a typo we must not hide.
    const between = new RegExp(`(?<=\\d)${escapeRe(mark)}(?=\\d{3}(?:\\D|$))`, 'g');
    text = text.replace(between, '');
  }
  if (style.decimal === ',') {
    if (text.includes('.')) return fail(`"${raw}" is not a number with decimal comma`);
    text = text.replace(',', '.');
  }
  const m = /^(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m || (m[1] === '' && (m[2] ?? '') === '')) {
    return fail(`"${raw}" is not a number (decimal mark "${style.decimal}"${style.thousands.length ? `, grouping ${style.thousands.map((t) => `"${t}"`).join(' ')}` : ''})`);
  }
  const whole = m[1] === '' ? '0' : (m[1] as string);
  const frac = m[2] ?? '';
  if (frac.replace(/0+$/, '').length > scale) return fail(`"${raw}" has more than ${scale} decimals`);
  const normalised = `${negative ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
  if (scale === 2) {
    const cents = parseMoney(normalised.replace(/(\.\d\d)0+$/, '$1'));
    if (cents === undefined) return fail(`"${raw}" is not an amount`);
    return ok(formatMoney(cents));
  }
  return ok(trimZeros(normalised));
}

function trimZeros(s: string): string {
  const t = s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
  return t === '-0' ? '0' : t;
}

export function parseIntegerCell(cell: Cell, style: NumberStyle): Parsed {
  const p = parseNumberCell(cell, style, 6);
  if (!p.ok) return p;
  if (!/^-?\d+$/.test(p.value)) return fail(`"${String(cell)}" is not a whole number`);
  return p;
}

const TRUE_WORDS = new Set(['true', 't', 'yes', 'y', '1', 'x', 'ja', 'wahr']);
const FALSE_WORDS = new Set(['false', 'f', 'no', 'n', '0', '', 'nein', 'falsch']);

export function parseBooleanCell(cell: Cell): Parsed {
  if (typeof cell === 'boolean') return ok(String(cell));
  if (typeof cell === 'number') return cell === 1 ? ok('true') : cell === 0 ? ok('false') : fail(`${cell} is not a yes/no value`);
  if (cell instanceof Date) return fail('expected a yes/no value, got a date');
  const t = (cell ?? '').trim().toLowerCase();
  if (TRUE_WORDS.has(t)) return ok('true');
  if (FALSE_WORDS.has(t)) return ok('false');
  return fail(`"${cell}" is not a yes/no value (true/false, yes/no, 1/0; map other words with "map")`);
}

/** Canonical text of a cell when no type applies (ids, names): numbers lose float noise, dates become ISO. */
export function cellText(cell: Cell): string {
  if (cell === null) return '';
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? '' : cell.toISOString().slice(0, 10);
  if (typeof cell === 'number') return Number.isInteger(cell) ? String(cell) : String(Number(cell.toPrecision(15)));
  return String(cell).trim();
}

export function isIsoText(text: string): boolean {
  return isIsoDate(text);
}
