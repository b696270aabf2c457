/**
 * Row validation as SQL expressions, so a file is checked set-wise inside DuckDB rather than row by row
 * in JavaScript. Each column gets a "reason" expression that is NULL when the cell is fine and otherwise
 * a sentence a person understands ("amount: '12,50' is not a number with '.' decimals").
 *
 * Only identifiers from the kind catalogue and constant text from this module are written into the SQL;
 * values from files are never part of the SQL text.
 */
import type { ColumnSpec, KindSpec } from './kinds.ts';
import { EMPTY_ALLOWED } from './kinds.ts';

/** SQL string literal for a constant of this module (never for file content). */
export function lit(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

export function ident(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a catalogue identifier: ${name}`);
  return `"${name}"`;
}

/** The cell with surrounding spaces removed; empty cells are NULL. */
export function cell(col: string, alias = 'r'): string {
  return `nullif(trim(${alias}.${ident(col)}), '')`;
}

/** "col: 'value' <tail>" built in SQL from the cell value. */
function says(col: string, v: string, tail: string): string {
  return `(${lit(`${col}: '`)} || ${v} || ${lit(`' ${tail}`)})`;
}

const DATE_RE = String.raw`\d{4}-\d{2}-\d{2}`;
const TS_RE = String.raw`\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?)?Z?`;
const RATE_RE = String.raw`\+?\d{1,10}(\.\d{1,8})?`;
const PCT_RE = String.raw`\d{1,3}(\.\d{1,2})?`;
const INT_RE = String.raw`\+?\d{1,9}`;
const CURRENCY_RE = '[A-Za-z]{3}';

function moneyPattern(places: number, digits: number): string {
  return String.raw`[+-]?\d{1,${digits}}(\.\d{1,${places}})?`;
}

export function timestampCast(v: string): string {
  return `try_cast(rtrim(replace(${v}, 'T', ' '), 'Z') as timestamp)`;
}

function decimalReason(col: string, v: string, places: number, digits: number, nonNeg: boolean): string {
  const ok = `regexp_full_match(${v}, ${lit(moneyPattern(places, digits))})`;
  const parts = [
    `when ${ok} and ${nonNeg ? `starts_with(${v}, '-') and try_cast(${v} as decimal(38, ${places})) <> 0` : 'false'}
       then ${says(col, v, 'must not be negative')}`,
    `when ${ok} then null`,
    `when regexp_full_match(${v}, ${lit(String.raw`[+-]?\d+\.\d+`)}) and
          regexp_full_match(${v}, ${lit(String.raw`[+-]?\d{1,${digits}}\.\d+`)})
       then ${says(col, v, `has more than ${places} decimal places`)}`,
    `when regexp_full_match(${v}, ${lit(String.raw`[+-]?\d+(\.\d+)?`)}) then ${says(col, v, 'is too large')}`,
    `when contains(${v}, ',') then ${says(col, v, "is not a number with '.' decimals (no ',' and no thousands separators)")}`,
    `else ${says(col, v, 'is not a number')}`,
  ];
  return `case ${parts.join('\n ')} end`;
}

/** The check on a non-empty cell's content, or null if the type needs none. */
function typeReason(c: ColumnSpec, v: string): string | null {
  const col = c.name;
  switch (c.type) {
    case 'id':
    case 'text':
      return null;
    case 'date':
      return `case when not regexp_full_match(${v}, ${lit(DATE_RE)}) then ${says(col, v, 'is not a date in the form YYYY-MM-DD')}
        when try_cast(${v} as date) is null then ${says(col, v, 'is not a real calendar date')} end`;
    case 'timestamp':
      return `case when not regexp_full_match(${v}, ${lit(TS_RE)})
          then ${says(col, v, 'is not a timestamp in the form YYYY-MM-DDTHH:MM:SS')}
        when ${timestampCast(v)} is null
          then ${says(col, v, 'is not a real date and time')} end`;
    case 'money':
      return decimalReason(col, v, 2, 16, false);
    case 'money_nonneg':
      return decimalReason(col, v, 2, 16, true);
    case 'rate':
      return `case when not regexp_full_match(${v}, ${lit(RATE_RE)})
          then ${says(col, v, "is not a positive decimal rate with at most 8 decimal places and '.' as separator")}
        when try_cast(${v} as decimal(18, 8)) <= 0 then ${says(col, v, 'must be greater than 0')} end`;
    case 'pct':
      return `case when not regexp_full_match(${v}, ${lit(PCT_RE)})
          then ${says(col, v, "is not a percentage between 0 and 100 with at most 2 decimal places and '.' as separator")}
        when try_cast(${v} as decimal(5, 2)) > 100 then ${says(col, v, 'is more than 100')} end`;
    case 'int_nonneg':
      return `case when not regexp_full_match(${v}, ${lit(INT_RE)})
          then ${says(col, v, 'is not a whole number of 0 or more')} end`;
    case 'bool':
      return `case when lower(${v}) not in ('true', 'false') then ${says(col, v, 'must be true or false')} end`;
    case 'currency':
      return `case when not regexp_full_match(${v}, ${lit(CURRENCY_RE)})
          then ${says(col, v, 'is not a 3-letter currency code such as EUR')} end`;
    case 'enum': {
      const values = c.values ?? [];
      return `case when lower(${v}) not in (${values.map(lit).join(', ')})
          then ${says(col, v, `must be one of ${values.join(', ')}`)} end`;
    }
  }
}

/** Column holding a cell's trimmed, empty-as-NULL text, computed once per row by `trimmedCells`. */
export function trimmedName(col: string): string {
  return `__t_${col}`;
}

/** `nullif(trim(cell), '')` of each column once, so the checks and typed values below do not redo it per use. */
export function trimmedCells(cols: readonly string[], alias = 'r'): string {
  return cols.map((c) => `${cell(c, alias)} as ${ident(trimmedName(c))}`).join(', ');
}

/** The trimmed cell of a column from `trimmedCells` (same value as `cell`). */
export function trimmedCell(col: string, alias = 'r'): string {
  return `${alias}.${ident(trimmedName(col))}`;
}

/**
 * TRUE exactly when `columnReason` is NULL, as a plain boolean over the already trimmed cell `v`: every
 * row of a file evaluates this, so each pattern runs once per cell and no reason text is ever built for
 * it (the reasons are worked out afterwards for the failing rows only). test/ingest/canonical-checks.test.ts
 * holds the two to the same answer over edge values of every type.
 */
export function columnOk(spec: KindSpec, c: ColumnSpec, v: string): string {
  const mustHave = c.required && !(EMPTY_ALLOWED[spec.kind] ?? []).includes(c.name);
  const re = (pattern: string) => `regexp_full_match(${v}, ${lit(pattern)})`;
  let ok: string | null;
  switch (c.type) {
    case 'id':
    case 'text':
      ok = null;
      break;
    case 'date':
      ok = `${re(DATE_RE)} and try_cast(${v} as date) is not null`;
      break;
    case 'timestamp':
      ok = `${re(TS_RE)} and ${timestampCast(v)} is not null`;
      break;
    case 'money':
      ok = re(moneyPattern(2, 16));
      break;
    case 'money_nonneg':
      ok = `${re(moneyPattern(2, 16))} and not (starts_with(${v}, '-') and coalesce(try_cast(${v} as decimal(38, 2)) <> 0, false))`;
      break;
    case 'rate':
      ok = `${re(RATE_RE)} and not coalesce(try_cast(${v} as decimal(18, 8)) <= 0, false)`;
      break;
    case 'pct':
      ok = `${re(PCT_RE)} and not coalesce(try_cast(${v} as decimal(5, 2)) > 100, false)`;
      break;
    case 'int_nonneg':
      ok = re(INT_RE);
      break;
    case 'bool':
      ok = `lower(${v}) in ('true', 'false')`;
      break;
    case 'currency':
      ok = re(CURRENCY_RE);
      break;
    case 'enum':
      ok = `lower(${v}) in (${(c.values ?? []).map(lit).join(', ')})`;
      break;
  }
  return `(case when ${v} is null then ${mustHave ? 'false' : 'true'} else ${ok === null ? 'true' : `coalesce(${ok}, false)`} end)`;
}

/** Reason expression for one column (NULL when the cell is acceptable). */
export function columnReason(spec: KindSpec, c: ColumnSpec, alias = 'r'): string {
  const v = cell(c.name, alias);
  const mustHave = c.required && !(EMPTY_ALLOWED[spec.kind] ?? []).includes(c.name);
  const type = typeReason(c, v);
  const whenEmpty = mustHave ? lit(`${c.name} is required but empty`) : 'null';
  return `case when ${v} is null then ${whenEmpty} ${type ? `else (${type})` : ''} end`;
}

/**
 * The typed value of a cell. TRY_CAST because it is computed in the same pass as the checks: rows that
 * fail them are set aside, so their (NULL or rounded) typed values are never stored.
 */
export function typedValue(c: ColumnSpec, alias = 'r', v: string = cell(c.name, alias)): string {
  let expr: string;
  switch (c.type) {
    case 'id':
    case 'text':
      expr = v;
      break;
    case 'date':
      expr = `try_cast(${v} as date)`;
      break;
    case 'timestamp':
      expr = timestampCast(v);
      break;
    case 'money':
    case 'money_nonneg':
      expr = `try_cast(${v} as decimal(18, 2))`;
      break;
    case 'rate':
      expr = `try_cast(${v} as decimal(18, 8))`;
      break;
    case 'pct':
      expr = `try_cast(${v} as decimal(5, 2))`;
      break;
    case 'int_nonneg':
      expr = `try_cast(${v} as integer)`;
      break;
    case 'bool':
      expr = `(lower(${v}) = 'true')`;
      break;
    case 'currency':
      expr = `upper(${v})`;
      break;
    case 'enum':
      expr = `lower(${v})`;
      break;
  }
  if (c.emptyDefault !== undefined) {
    const def = c.type === 'bool' ? c.emptyDefault : c.type === 'int_nonneg' ? c.emptyDefault : lit(c.emptyDefault);
    expr = `coalesce(${expr}, ${def})`;
  }
  return expr;
}

/** A cross-field check: the field it is reported on, when it applies (SQL), and the reason (SQL). */
export interface RowCheck {
  field: string;
  needs: readonly string[];
  failsWhen: string;
  reason: string;
}

/**
 * Checks spanning several columns. failsWhen is NULL-safe on invalid cells (TRY_CAST) so it can run over
 * every row; the reason is only reported when the cells it needs are individually valid, so one mistake
 * is reported once.
 */
export function rowChecks(
  spec: KindSpec,
  present: ReadonlySet<string>,
  alias = 'r',
  cellOf: (col: string, alias: string) => string = cell,
): RowCheck[] {
  const v = (c: string) => cellOf(c, alias);
  // Optional columns the file lacks are simply empty.
  const maybe = (c: string) => (present.has(c) ? v(c) : 'null');
  switch (spec.kind) {
    case 'invoices':
      return [
        {
          field: 'due_date',
          needs: ['due_date', 'invoice_date'],
          failsWhen: `try_cast(${v('due_date')} as date) < try_cast(${v('invoice_date')} as date)`,
          reason: `${lit("due_date: '")} || ${v('due_date')} || ${lit("' is before invoice_date '")} || ${v('invoice_date')} || ''''`,
        },
        {
          field: 'paid_amount',
          needs: ['paid_date'],
          failsWhen: `${v('paid_date')} is not null and ${maybe('paid_amount')} is null`,
          reason: lit('paid_amount is required when paid_date is given'),
        },
        {
          field: 'paid_date',
          needs: ['paid_amount'],
          failsWhen: `${maybe('paid_date')} is null and ${v('paid_amount')} is not null`,
          reason: lit('paid_date is required when paid_amount is given'),
        },
        {
          field: 'paid_amount',
          needs: ['paid_amount'],
          failsWhen: `try_cast(${v('paid_amount')} as decimal(18, 2)) <= 0`,
          reason: `${lit("paid_amount: '")} || ${v('paid_amount')} || ${lit("' must be greater than 0")}`,
        },
      ];
    case 'applications':
      return [
        {
          field: 'invoice_id',
          needs: ['invoice_id'],
          failsWhen: `${v('invoice_id')} is null and ${maybe('credit_note_id')} is null`,
          reason: lit('invoice_id or credit_note_id is required'),
        },
        {
          field: 'credit_note_id',
          needs: ['invoice_id', 'credit_note_id'],
          failsWhen: `${v('invoice_id')} is not null and ${v('credit_note_id')} is not null`,
          reason: lit('give either invoice_id or credit_note_id, not both'),
        },
      ];
    case 'disputes':
      return [
        {
          field: 'resolved_date',
          needs: ['resolved_date', 'opened_date'],
          failsWhen: `try_cast(${v('resolved_date')} as date) < try_cast(${v('opened_date')} as date)`,
          reason: `${lit("resolved_date: '")} || ${v('resolved_date')} || ${lit("' is before opened_date '")} || ${v('opened_date')} || ''''`,
        },
      ];
    default:
      return [];
  }
}
