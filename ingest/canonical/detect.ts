/**
 * Which canonical kind a file holds, from its header (or --kind), and whether its columns fit that kind:
 * every required column present, no unknown column (so a typo such as `amout` is caught, not ignored).
 */
import { basename, extname } from 'node:path';
import { FileError } from '../../core/errors.ts';
import { KINDS, SOURCE_LINE_COLUMN, kindNames, kindSpec, type KindSpec } from './kinds.ts';

export interface ResolvedLayout {
  spec: KindSpec;
  /** Lower-cased header names in file order. */
  columns: string[];
}

function allowedColumns(spec: KindSpec): Set<string> {
  return new Set([...spec.columns.map((c) => c.name), SOURCE_LINE_COLUMN]);
}

function problems(spec: KindSpec, names: readonly string[]): { missing: string[]; unknown: string[] } {
  const have = new Set(names);
  const allowed = allowedColumns(spec);
  return {
    missing: spec.columns.filter((c) => c.required && !have.has(c.name)).map((c) => c.name),
    unknown: names.filter((n) => !allowed.has(n)),
  };
}

/** Edit distance, for "did you mean" hints on misspelt column names. */
function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] ?? 0;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] ?? 0;
      prev[j] = Math.min(up + 1, (prev[j - 1] ?? 0) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length] ?? 0;
}

function suggestion(name: string, spec: KindSpec, present: ReadonlySet<string>): string {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of spec.columns) {
    if (present.has(c.name)) continue;
    const d = distance(name, c.name);
    if (d < bestD) {
      bestD = d;
      best = c.name;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(name.length / 4)) ? ` (did you mean '${best}'?)` : '';
}

/** A header that does not fit a kind; carries the kind so the failed load is recorded under it. */
export class LayoutError extends FileError {
  readonly kind: string;
  constructor(kind: string, message: string, location: { line: number; field?: string }) {
    super(message, location);
    this.kind = kind;
  }
}

function layoutError(spec: KindSpec, names: readonly string[], how: string): LayoutError {
  const { missing, unknown } = problems(spec, names);
  const present = new Set(names);
  const parts: string[] = [];
  if (missing.length > 0) parts.push(`missing required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  if (unknown.length > 0) {
    parts.push(
      `unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `'${u}'${suggestion(u, spec, present)}`).join(', ')}`,
    );
  }
  return new LayoutError(
    spec.kind,
    `the header does not fit the ${spec.kind} layout (${how}): ${parts.join('; ')}. ` +
      `Expected ${spec.columns.map((c) => (c.required ? c.name : `[${c.name}]`)).join(', ')}`,
    { line: 1, field: missing[0] ?? unknown[0] },
  );
}

function kindFromFileName(path: string): KindSpec | undefined {
  const stem = basename(path, extname(path)).toLowerCase();
  return kindSpec(stem) ?? KINDS.find((k) => k.table === stem);
}

/**
 * Resolves the kind: the given one (checked against the header), else the single kind whose layout the
 * header fits. When none fits, the error explains the nearest kind's missing/unknown columns.
 */
export function resolveLayout(headerNames: readonly string[], path: string, kind?: string): ResolvedLayout {
  const names = headerNames.map((n) => n.toLowerCase());
  if (kind !== undefined) {
    const spec = kindSpec(kind);
    if (!spec) throw new FileError(`unknown kind '${kind}'; expected one of ${kindNames().join(', ')}`, {});
    const p = problems(spec, names);
    if (p.missing.length > 0 || p.unknown.length > 0) throw layoutError(spec, names, 'given with --kind');
    return { spec, columns: names };
  }
  const fits = KINDS.filter((spec) => {
    const p = problems(spec, names);
    return p.missing.length === 0 && p.unknown.length === 0;
  });
  const only = fits[0];
  if (fits.length === 1 && only) return { spec: only, columns: names };
  if (fits.length > 1) {
    const byName = kindFromFileName(path);
    if (byName && fits.includes(byName)) return { spec: byName, columns: names };
    throw new FileError(
      `the header fits several kinds (${fits.map((k) => k.kind).join(', ')}); say which with --kind`,
      { line: 1 },
    );
  }
  // Nothing fits: explain against the kind the file name names, else the closest layout by shared columns.
  const have = new Set(names);
  const score = (spec: KindSpec): number => {
    const { missing, unknown } = problems(spec, names);
    return spec.columns.filter((c) => have.has(c.name)).length - missing.length - unknown.length / 2;
  };
  const named = kindFromFileName(path);
  const nearest = named ?? [...KINDS].sort((a, b) => score(b) - score(a)).find((spec) => spec.key.some((k) => have.has(k)));
  if (!nearest) {
    throw new FileError(
      `cannot tell which kind of export this is from its header (${names.join(', ')}); ` +
        `give --kind (one of ${kindNames().join(', ')})`,
      { line: 1 },
    );
  }
  throw layoutError(nearest, names, named ? 'the kind the file name gives' : 'the closest kind');
}
