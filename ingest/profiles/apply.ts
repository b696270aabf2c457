/**
 * Applying a mapping profile to a source table: find the header row, route each data row to the
 * outputs whose conditions it meets, and build canonical rows whose every value is already in the
 * canonical text form. A bad cell rejects that row for that output with the source line and column;
 * the rest of the file still converts.
 */
import { FileError } from '../../core/errors.ts';
import { formatMoney, parseMoney } from '../../core/money.ts';
import { addDays } from '../../core/as-of.ts';
import { fieldType, kindFields, type CanonicalKind, type FieldType } from './canonical-fields.ts';
import type { Condition, FieldSpec, FieldSpecObject, MappingProfile } from './schema.ts';
import type { SourceRow, SourceTable } from './table.ts';
import {
  cellText,
  parseBooleanCell,
  parseDateCell,
  parseIntegerCell,
  parseNumberCell,
  parseTimestampCell,
  type Cell,
  type NumberStyle,
  type Parsed,
} from './values.ts';

export interface CanonicalRecord {
  readonly kind: CanonicalKind;
  /** Line (or worksheet row) of the source file the record came from. */
  readonly line: number;
  /** Canonical field → canonical text; '' means empty. */
  readonly values: Record<string, string>;
  /** Canonical field → the source column(s) it was read from, for error messages. */
  readonly columns: Record<string, string>;
}

export interface RowIssue {
  /** Output kind the row failed for; null when the row matched no output. */
  readonly kind: string | null;
  readonly line: number;
  /** Source column the problem is in (or null when it concerns the whole row). */
  readonly column: string | null;
  readonly value: string | null;
  readonly reason: string;
}

export interface Conversion {
  readonly profile: string;
  readonly file: string;
  readonly headerLine: number;
  readonly headers: string[];
  readonly records: Map<CanonicalKind, CanonicalRecord[]>;
  readonly rejected: RowIssue[];
  readonly rowsRead: number;
  readonly rowsSkipped: number;
  /** Per kind, rows folded into an earlier one by uniqueBy (e.g. the extra line items of a Xero invoice). */
  readonly rowsMerged: Map<CanonicalKind, number>;
  readonly notes: string[];
}

export function normaliseHeader(h: string): string {
  return h.replace(/^\uFEFF/, '').trim().replace(/\s+/g, ' ').toLowerCase();
}

const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Column groups a file must have for the profile to apply: each group is a list of alternative names. */
export function requiredColumns(profile: MappingProfile): string[][] {
  if (profile.detect) return profile.detect.headers.map((h) => [h]);
  const groups: string[][] = [];
  const seen = new Set<string>();
  const add = (ref: string | string[] | undefined): void => {
    const g = asList(ref);
    const key = g.map(normaliseHeader).join('|');
    if (g.length > 0 && !seen.has(key)) {
      seen.add(key);
      groups.push(g);
    }
  };
  const visit = (spec: FieldSpec): void => {
    if (typeof spec === 'string' || Array.isArray(spec)) return add(spec);
    if (spec.optional) return;
    add(spec.column);
    add(spec.debit);
    add(spec.credit);
    if (spec.negativeWhen) add(spec.negativeWhen.column);
    for (const c of asList(spec.when)) add(c.column);
    spec.concat?.forEach(visit);
    if (spec.addDays) {
      visit(spec.addDays.date);
      if (typeof spec.addDays.days !== 'number') visit(spec.addDays.days);
    }
    // coalesce parts are alternatives: none of them is required on its own.
  };
  for (const rule of asList(profile.skip)) for (const c of asList(rule)) add(c.column);
  for (const out of profile.outputs) {
    for (const c of asList(out.when)) add(c.column);
    for (const spec of Object.values(out.fields)) visit(spec);
  }
  return groups;
}

interface HeaderMatch {
  readonly row: SourceRow;
  readonly index: Map<string, number>;
  readonly headers: string[];
}

function indexHeaders(row: SourceRow): Map<string, number> {
  const index = new Map<string, number>();
  row.cells.forEach((c, i) => {
    const h = normaliseHeader(cellText(c));
    if (h !== '' && !index.has(h)) index.set(h, i);
  });
  return index;
}

const missingIn = (index: Map<string, number>, groups: string[][]): string[][] =>
  groups.filter((g) => !g.some((name) => index.has(normaliseHeader(name))));

/** How far down a report may put its header row (QuickBooks prints a title block first). */
const HEADER_SCAN_ROWS = 30;

/** The header row of `table` for `profile`, or undefined with the columns the best row lacked. */
export function findHeader(table: SourceTable, profile: MappingProfile): HeaderMatch | { missing: string[][]; line: number } {
  const groups = requiredColumns(profile);
  const candidates =
    profile.source.headerRow !== undefined
      ? table.rows.filter((r) => r.line === profile.source.headerRow)
      : table.rows.slice(0, HEADER_SCAN_ROWS);
  let best: { missing: string[][]; line: number } = { missing: groups, line: candidates[0]?.line ?? 1 };
  for (const row of candidates) {
    const index = indexHeaders(row);
    const missing = missingIn(index, groups);
    if (missing.length === 0) return { row, index, headers: row.cells.map(cellText) };
    if (missing.length < best.missing.length) best = { missing, line: row.line };
  }
  return best;
}

const describeGroup = (g: string[]): string => g.map((n) => `"${n}"`).join(' or ');

function locateHeader(table: SourceTable, profile: MappingProfile): HeaderMatch {
  const found = findHeader(table, profile);
  if ('missing' in found) {
    const where = profile.source.headerRow !== undefined ? `row ${profile.source.headerRow}` : `the first ${HEADER_SCAN_ROWS} rows`;
    const merged = table.merges.filter((m) => m.top <= HEADER_SCAN_ROWS);
    const sheet = table.sheet !== undefined ? `sheet "${table.sheet}" ` : '';
    const mergeHint = merged
      .map((m) => `; ${sheet}row ${m.top} has merged cells (${m.range}) — unmerge the header so each column has its own name`)
      .join('');
    throw new FileError(
      `profile ${profile.name}: no header row found in ${where}; closest is line ${found.line}, which lacks ${found.missing.map(describeGroup).join(', ')}${mergeHint}`,
      { file: table.file, line: found.line },
    );
  }
  const merged = table.merges.filter((m) => m.top <= found.row.line && m.bottom >= found.row.line);
  if (merged.length > 0) {
    throw new FileError(
      `${table.sheet !== undefined ? `sheet "${table.sheet}" ` : ''}row ${found.row.line}: the header row has merged cells (${merged.map((m) => m.range).join(', ')}); unmerge them so every column has exactly one header`,
      { file: table.file, line: found.row.line },
    );
  }
  return found;
}

class FieldFailure {
  constructor(
    readonly column: string | null,
    readonly value: string | null,
    readonly reason: string,
  ) {}
}

interface Ctx {
  readonly profile: MappingProfile;
  readonly index: Map<string, number>;
  readonly headers: string[];
  readonly style: NumberStyle;
  readonly row: SourceRow;
  /** Column references resolved once per file, not once per row. */
  readonly columnCache: Map<string, { i: number; name: string } | null>;
}

interface Value {
  readonly text: string;
  readonly columns: string[];
}

function resolveColumn(ctx: Ctx, ref: string | string[]): { i: number; name: string } | undefined {
  const key = typeof ref === 'string' ? ref : ref.join('\u0000');
  const cached = ctx.columnCache.get(key);
  if (cached !== undefined) return cached ?? undefined;
  let found: { i: number; name: string } | null = null;
  for (const name of asList(ref)) {
    const i = ctx.index.get(normaliseHeader(name));
    if (i !== undefined) {
      found = { i, name: ctx.headers[i] ?? name };
      break;
    }
  }
  ctx.columnCache.set(key, found);
  return found ?? undefined;
}

function cellAt(ctx: Ctx, ref: string | string[], optional: boolean): { cell: Cell; name: string } {
  const col = resolveColumn(ctx, ref);
  if (!col) {
    if (optional) return { cell: null, name: asList(ref)[0] ?? '' };
    throw new FieldFailure(null, null, `the file has no column ${describeGroup(asList(ref))}`);
  }
  const cell = ctx.row.cells[col.i] ?? null;
  return { cell: typeof cell === 'string' ? cell.trim() : cell, name: col.name };
}

const isEmptyCell = (c: Cell): boolean => c === null || (typeof c === 'string' && c.trim() === '');

function convert(cell: Cell, type: FieldType, formats: string[] | undefined, ctx: Ctx): Parsed {
  if (isEmptyCell(cell)) return { ok: true, value: '' };
  const p = ctx.profile;
  switch (type) {
    case 'date':
      return parseDateCell(cell, formats ?? asList(p.dateFormat));
    case 'timestamp':
      return parseTimestampCell(cell, formats ?? asList(p.timestampFormat));
    case 'decimal':
      return parseNumberCell(cell, ctx.style, 2);
    case 'rate':
      return parseNumberCell(cell, ctx.style, 8);
    case 'integer':
      return parseIntegerCell(cell, ctx.style);
    case 'boolean':
      return parseBooleanCell(cell);
    case 'text':
      return { ok: true, value: cellText(cell) };
  }
}

function mapValue(cell: Cell, map: Record<string, string>): Cell {
  const key = cellText(cell).toLowerCase();
  for (const [from, to] of Object.entries(map)) if (from.toLowerCase() === key) return to;
  return map['*'] ?? cell;
}

function matches(ctx: Ctx, c: Condition): boolean {
  const col = resolveColumn(ctx, c.column);
  const cell = col ? (ctx.row.cells[col.i] ?? null) : null;
  const text = cellText(cell);
  const lower = text.toLowerCase();
  if (c.in && !c.in.some((v) => v.toLowerCase() === lower)) return false;
  if (c.notIn?.some((v) => v.toLowerCase() === lower)) return false;
  if (c.empty !== undefined && c.empty !== (text === '')) return false;
  if (c.matches !== undefined && !new RegExp(c.matches).test(text)) return false;
  if (c.sign !== undefined) {
    const n = parseNumberCell(cell, ctx.style, 6);
    if (!n.ok || text === '') return false;
    const v = Number(n.value);
    const ok = c.sign === 'positive' ? v > 0 : c.sign === 'negative' ? v < 0 : c.sign === 'zero' ? v === 0 : v !== 0;
    if (!ok) return false;
  }
  return true;
}

const matchesAll = (ctx: Ctx, cs: Condition | Condition[] | undefined): boolean => asList(cs).every((c) => matches(ctx, c));

function negate(text: string, type: FieldType): string {
  if (text === '') return text;
  if (type === 'decimal') return formatMoney(-(parseMoney(text) as bigint));
  // Rates and integers are plain decimal text: flipping the sign is textual.
  return text.startsWith('-') ? text.slice(1) : text === '0' ? text : `-${text}`;
}

function applySign(text: string, spec: FieldSpecObject, type: FieldType, ctx: Ctx): string {
  let out = text;
  if (spec.negativeWhen && matches(ctx, spec.negativeWhen)) out = negate(out, type);
  if (spec.sign === 'negate') out = negate(out, type);
  if (spec.sign === 'abs' && out.startsWith('-')) out = out.slice(1);
  return out;
}

function evaluate(spec: FieldSpec, type: FieldType, ctx: Ctx): Value {
  const s: FieldSpecObject = typeof spec === 'string' || Array.isArray(spec) ? { column: spec } : spec;
  const formats = s.format === undefined ? undefined : asList(s.format);
  const optional = s.optional === true;
  if (s.when !== undefined && !matchesAll(ctx, s.when)) return { text: '', columns: [] };
  let result: Value;
  if (s.column !== undefined) {
    const { cell, name } = cellAt(ctx, s.column, optional);
    let source: Cell = cell;
    if (s.map) source = mapValue(cell, s.map);
    if (isEmptyCell(source) && s.default !== undefined) source = s.default;
    const p = convert(source, type, formats, ctx);
    if (!p.ok) throw new FieldFailure(name, cellText(cell), p.reason);
    result = { text: p.value, columns: [name] };
  } else if (s.const !== undefined) {
    // Constants are written in canonical form (ISO dates, '.' decimals) whatever the export uses.
    const p = convert(s.const, type, ['yyyy-MM-dd', "yyyy-MM-dd'T'HH:mm:ss"], { ...ctx, style: { decimal: '.', thousands: [] } });
    if (!p.ok) throw new FieldFailure(null, s.const, `constant: ${p.reason}`);
    result = { text: p.value, columns: [] };
  } else if (s.concat !== undefined) {
    const parts = s.concat.map((part) => evaluate(part, 'text', ctx));
    // A prefix alone is not a value: with every column part empty the result is empty.
    const fromColumns = parts.filter((p) => p.columns.length > 0);
    const allEmpty = fromColumns.length > 0 && fromColumns.every((p) => p.text === '');
    const joined = allEmpty ? '' : parts.map((p) => p.text).filter((t) => t !== '').join(s.separator ?? '');
    const columns = parts.flatMap((p) => p.columns);
    const p = convert(joined === '' && s.default !== undefined ? s.default : joined, type, formats, ctx);
    if (!p.ok) throw new FieldFailure(columns.join('+') || null, joined, p.reason);
    result = { text: p.value, columns };
  } else if (s.coalesce !== undefined) {
    result = { text: '', columns: [] };
    for (const part of s.coalesce) {
      const v = evaluate(part, type, ctx);
      if (v.text !== '') {
        result = v;
        break;
      }
    }
    if (result.text === '' && s.default !== undefined) result = evaluate({ const: s.default }, type, ctx);
  } else if (s.debit !== undefined && s.credit !== undefined) {
    const d = cellAt(ctx, s.debit, optional);
    const c = cellAt(ctx, s.credit, optional);
    const pd = convert(d.cell, 'decimal', undefined, ctx);
    if (!pd.ok) throw new FieldFailure(d.name, cellText(d.cell), pd.reason);
    const pc = convert(c.cell, 'decimal', undefined, ctx);
    if (!pc.ok) throw new FieldFailure(c.name, cellText(c.cell), pc.reason);
    const empty = pd.value === '' && pc.value === '';
    const cents = (parseMoney(pd.value || '0') ?? 0n) - (parseMoney(pc.value || '0') ?? 0n);
    result = { text: empty ? '' : formatMoney(cents), columns: [d.name, c.name] };
  } else if (s.addDays !== undefined) {
    const base = evaluate(s.addDays.date, 'date', ctx);
    const days = typeof s.addDays.days === 'number' ? { text: String(s.addDays.days), columns: [] } : evaluate(s.addDays.days, 'integer', ctx);
    result = {
      text: base.text === '' || days.text === '' ? '' : addDays(base.text, Number(days.text)),
      columns: [...base.columns, ...days.columns],
    };
  } else {
    throw new FieldFailure(null, null, 'field has no source');
  }
  if (type === 'decimal' || type === 'integer' || type === 'rate') result = { ...result, text: applySign(result.text, s, type, ctx) };
  return result;
}

function rowIsBlank(row: SourceRow): boolean {
  return row.cells.every(isEmptyCell);
}

/** Converts every data row below the header into canonical records of the profile's kinds. */
export function applyProfile(table: SourceTable, profile: MappingProfile): Conversion {
  const header = locateHeader(table, profile);
  const thousands = asList(profile.numbers.thousands);
  const style: NumberStyle = { decimal: profile.numbers.decimal, thousands };
  const records = new Map<CanonicalKind, CanonicalRecord[]>();
  const seen = profile.outputs.map(() => new Set<string>());
  const rejected: RowIssue[] = [];
  let rowsRead = 0;
  let rowsSkipped = 0;
  const rowsMerged = new Map<CanonicalKind, number>();
  const columnCache = new Map<string, { i: number; name: string } | null>();
  for (const row of table.rows) {
    if (row.line <= header.row.line || rowIsBlank(row)) continue;
    rowsRead++;
    const ctx: Ctx = { profile, index: header.index, headers: header.headers, style, row, columnCache };
    if (profile.skip !== undefined && asList(profile.skip).some((rule) => matchesAll(ctx, rule))) {
      rowsSkipped++;
      continue;
    }
    let matched = false;
    profile.outputs.forEach((out, i) => {
      if (!matchesAll(ctx, out.when)) return;
      matched = true;
      const spec = kindFields(out.kind);
      const values: Record<string, string> = {};
      const columns: Record<string, string> = {};
      const issues: RowIssue[] = [];
      for (const [field, fspec] of Object.entries(out.fields)) {
        try {
          const v = evaluate(fspec, fieldType(out.kind, field), ctx);
          values[field] = v.text;
          columns[field] = v.columns.join('+');
          if (v.text === '' && spec.required.includes(field) && !spec.mayBeEmpty.includes(field)) {
            issues.push({
              kind: out.kind,
              line: row.line,
              column: v.columns.join('+') || null,
              value: '',
              reason: `${out.kind}.${field} is required but ${v.columns.length ? `column ${v.columns.map((c) => `"${c}"`).join('+')} is empty` : 'the profile gives no value'}`,
            });
          }
        } catch (err) {
          if (!(err instanceof FieldFailure)) throw err;
          issues.push({ kind: out.kind, line: row.line, column: err.column, value: err.value, reason: `${out.kind}.${field}: ${err.reason}` });
        }
      }
      if (issues.length > 0) {
        rejected.push(...issues);
        return;
      }
      if (out.uniqueBy !== undefined) {
        const key = values[out.uniqueBy] ?? '';
        const set = seen[i] as Set<string>;
        if (set.has(key)) {
          rowsMerged.set(out.kind, (rowsMerged.get(out.kind) ?? 0) + 1);
          return;
        }
        set.add(key);
      }
      const list = records.get(out.kind) ?? [];
      list.push({ kind: out.kind, line: row.line, values, columns });
      records.set(out.kind, list);
    });
    if (!matched) {
      if (profile.unmatched === 'skip') rowsSkipped++;
      else {
        const conds = profile.outputs.flatMap((o) => asList(o.when));
        const cols = [...new Set(conds.flatMap((c) => asList(c.column).slice(0, 1)))];
        const shown = cols.map((c) => {
          const col = resolveColumn(ctx, c);
          return `${c}="${col ? cellText(row.cells[col.i] ?? null) : ''}"`;
        });
        rejected.push({
          kind: null,
          line: row.line,
          column: cols[0] ?? null,
          value: null,
          reason: `row belongs to none of the profile's outputs (${shown.join(', ')})`,
        });
      }
    }
  }
  return {
    profile: profile.name,
    file: table.file,
    headerLine: header.row.line,
    headers: header.headers,
    records,
    rejected,
    rowsRead,
    rowsSkipped,
    rowsMerged,
    notes: table.notes,
  };
}
