/**
 * The canonical CSV contract as the profiles see it, derived from the loader's own catalogue
 * (ingest/canonical/kinds.ts) so the two never drift: which fields each kind has, which are required
 * and which kind of text each must hold. A profile's output is checked against this before anything
 * reaches the loader, so a mapping typo is reported with the profile's JSON path.
 */
import { EMPTY_ALLOWED, KINDS, LOAD_ORDER as CANONICAL_LOAD_ORDER, type ColumnType } from '../canonical/kinds.ts';

export type FieldType = 'text' | 'date' | 'timestamp' | 'decimal' | 'rate' | 'integer' | 'boolean';

export interface KindFields {
  readonly required: readonly string[];
  readonly optional: readonly string[];
  /** Required fields whose cells may be empty (unidentified cash has no payer name). */
  readonly mayBeEmpty: readonly string[];
  readonly types: Readonly<Record<string, FieldType>>;
}

function fieldTypeOf(t: ColumnType): FieldType {
  switch (t) {
    case 'date':
      return 'date';
    case 'timestamp':
      return 'timestamp';
    case 'money':
    case 'money_nonneg':
    case 'pct':
      return 'decimal';
    case 'rate':
      return 'rate';
    case 'int_nonneg':
      return 'integer';
    case 'bool':
      return 'boolean';
    case 'id':
    case 'text':
    case 'currency':
    case 'enum':
      return 'text';
  }
}

export const CANONICAL_KINDS: Readonly<Record<string, KindFields>> = Object.fromEntries(
  KINDS.map((k) => [
    k.kind,
    {
      required: k.columns.filter((c) => c.required).map((c) => c.name),
      optional: k.columns.filter((c) => !c.required).map((c) => c.name),
      mayBeEmpty: EMPTY_ALLOWED[k.kind] ?? [],
      types: Object.fromEntries(k.columns.map((c) => [c.name, fieldTypeOf(c.type)])),
    },
  ]),
);

export type CanonicalKind = string;
export const CANONICAL_KIND_NAMES: readonly string[] = KINDS.map((k) => k.kind);
export const LOAD_ORDER: readonly string[] = CANONICAL_LOAD_ORDER;

export function isCanonicalKind(name: string): boolean {
  return Object.hasOwn(CANONICAL_KINDS, name);
}

export function kindFields(kind: string): KindFields {
  const spec = CANONICAL_KINDS[kind];
  if (!spec) throw new RangeError(`unknown canonical kind ${kind}`);
  return spec;
}

export function fieldsOf(kind: string): string[] {
  const spec = kindFields(kind);
  return [...spec.required, ...spec.optional];
}

export function fieldType(kind: string, field: string): FieldType {
  return kindFields(kind).types[field] ?? 'text';
}
