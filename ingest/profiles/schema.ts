/**
 * The mapping-profile format: a JSON document that says how the columns of one export become
 * canonical rows of one or more kinds. Built-in profiles are instances of this same format, so
 * onboarding a new ERP is writing a JSON file, not code. Every mistake is reported with the JSON
 * path it sits at (`outputs[1].fields.amount.column`).
 */
import { z } from 'zod';
import { ArIntelError } from '../../core/errors.ts';
import { CANONICAL_KIND_NAMES, fieldsOf, fieldType, kindFields } from './canonical-fields.ts';
import { checkDateFormat } from './values.ts';

const columnRef = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)], {
  error: 'expected a column name or a list of alternative column names',
});

export const conditionSchema = z
  .strictObject({
    column: columnRef,
    in: z.array(z.string()).min(1).optional(),
    notIn: z.array(z.string()).min(1).optional(),
    empty: z.boolean().optional(),
    matches: z.string().optional(),
    sign: z.enum(['positive', 'negative', 'zero', 'nonzero']).optional(),
  })
  .refine((c) => c.in !== undefined || c.notIn !== undefined || c.empty !== undefined || c.matches !== undefined || c.sign !== undefined, {
    message: 'a condition needs one test: in, notIn, empty, matches or sign',
  });
export type Condition = z.infer<typeof conditionSchema>;

const conditions = z.union([conditionSchema, z.array(conditionSchema).min(1)]);
/** skip: a row is skipped when it meets any entry; an entry that is a list needs all of its conditions. */
const skipRules = z.union([conditionSchema, z.array(z.union([conditionSchema, z.array(conditionSchema).min(1)])).min(1)]);

export interface FieldSpecObject {
  column?: string | string[];
  const?: string;
  concat?: FieldSpec[];
  separator?: string;
  coalesce?: FieldSpec[];
  debit?: string | string[];
  credit?: string | string[];
  addDays?: { date: FieldSpec; days: number | FieldSpec };
  format?: string | string[];
  map?: Record<string, string>;
  default?: string;
  sign?: 'as-is' | 'negate' | 'abs';
  negativeWhen?: Condition;
  /** The field is empty unless the row meets these conditions (e.g. paid_date only on cleared items). */
  when?: Condition | Condition[];
  optional?: boolean;
}
/** A column name, a list of alternative column names, or a field object. */
export type FieldSpec = string | string[] | FieldSpecObject;

const SOURCES = ['column', 'const', 'concat', 'coalesce', 'debit', 'addDays'] as const;

export const fieldSpecSchema: z.ZodType<FieldSpec> = z.lazy(() =>
  z.union(
    [
      z.string().min(1),
      z.array(z.string().min(1)).min(1),
      z
        .strictObject({
          column: columnRef.optional(),
          const: z.string().optional(),
          concat: z.array(fieldSpecSchema).min(1).optional(),
          separator: z.string().optional(),
          coalesce: z.array(fieldSpecSchema).min(1).optional(),
          debit: columnRef.optional(),
          credit: columnRef.optional(),
          addDays: z.strictObject({ date: fieldSpecSchema, days: z.union([z.number().int(), fieldSpecSchema]) }).optional(),
          format: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
          map: z.record(z.string(), z.string()).optional(),
          default: z.string().optional(),
          sign: z.enum(['as-is', 'negate', 'abs']).optional(),
          negativeWhen: conditionSchema.optional(),
          when: z.union([conditionSchema, z.array(conditionSchema).min(1)]).optional(),
          optional: z.boolean().optional(),
        })
        .superRefine((f, ctx) => {
          const given = SOURCES.filter((k) => f[k] !== undefined);
          if (given.length !== 1) {
            ctx.addIssue({
              code: 'custom',
              message:
                given.length === 0
                  ? 'a field needs exactly one source: column, const, concat, coalesce, debit+credit or addDays'
                  : `a field takes one source, got ${given.join(' and ')}`,
            });
          }
          if ((f.debit === undefined) !== (f.credit === undefined)) {
            ctx.addIssue({ code: 'custom', message: 'debit and credit columns go together', path: [f.debit === undefined ? 'debit' : 'credit'] });
          }
          for (const fmt of f.format === undefined ? [] : Array.isArray(f.format) ? f.format : [f.format]) {
            const problem = checkDateFormat(fmt);
            if (problem) ctx.addIssue({ code: 'custom', message: `date format "${fmt}": ${problem}`, path: ['format'] });
          }
        }),
    ],
    { error: 'expected a column name, a list of alternative column names, or a field object ({"column": …}, {"const": …}, {"concat": […]} …)' },
  ),
);

const outputSchema = z.strictObject({
  kind: z.enum(CANONICAL_KIND_NAMES as [string, ...string[]], {
    error: `kind must be one of: ${CANONICAL_KIND_NAMES.join(', ')}`,
  }),
  description: z.string().optional(),
  when: conditions.optional(),
  uniqueBy: z.string().optional(),
  fields: z.record(z.string(), fieldSpecSchema),
});
export type ProfileOutput = z.infer<typeof outputSchema>;

export const profileSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'name: lower-case letters, digits and dashes'),
    system: z.string().min(1),
    description: z.string().min(1),
    notes: z.array(z.string()).optional(),
    source: z
      .strictObject({
        format: z.enum(['auto', 'csv', 'xlsx']).default('auto'),
        sheet: z.string().optional(),
        headerRow: z.number().int().min(1).optional(),
        delimiter: z.enum([',', ';', '\t', '|']).optional(),
        encoding: z.enum(['auto', 'utf-8', 'latin1']).default('auto'),
      })
      .prefault({}),
    detect: z.strictObject({ headers: z.array(z.string().min(1)).min(1) }).optional(),
    dateFormat: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).default('yyyy-MM-dd'),
    timestampFormat: z
      .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
      .default(["yyyy-MM-dd'T'HH:mm:ss", 'yyyy-MM-dd HH:mm:ss', 'yyyy-MM-dd']),
    numbers: z
      .strictObject({
        decimal: z.enum(['.', ',']).default('.'),
        thousands: z.union([z.string().max(1), z.array(z.string().max(1))]).default([]),
      })
      .prefault({}),
    skip: skipRules.optional(),
    unmatched: z.enum(['reject', 'skip']).default('reject'),
    outputs: z.array(outputSchema).min(1),
  })
  .superRefine((p, ctx) => {
    for (const [key, value] of [
      ['dateFormat', p.dateFormat],
      ['timestampFormat', p.timestampFormat],
    ] as const) {
      for (const fmt of Array.isArray(value) ? value : [value]) {
        const problem = checkDateFormat(fmt);
        if (problem) ctx.addIssue({ code: 'custom', message: `date format "${fmt}": ${problem}`, path: [key] });
      }
    }
    const thousands = Array.isArray(p.numbers.thousands) ? p.numbers.thousands : [p.numbers.thousands];
    if (thousands.includes(p.numbers.decimal)) {
      ctx.addIssue({ code: 'custom', message: 'the decimal mark cannot also be a thousands separator', path: ['numbers', 'thousands'] });
    }
    p.outputs.forEach((out, i) => {
      const spec = kindFields(out.kind);
      const known = fieldsOf(out.kind);
      for (const field of Object.keys(out.fields)) {
        if (!known.includes(field)) {
          ctx.addIssue({
            code: 'custom',
            message: `"${field}" is not a field of ${out.kind} (fields: ${known.join(', ')})`,
            path: ['outputs', i, 'fields', field],
          });
        }
      }
      const missing = spec.required.filter((f) => out.fields[f] === undefined);
      if (missing.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `${out.kind} needs the fields ${missing.join(', ')} (use {"const": ""} for one the export does not have)`,
          path: ['outputs', i, 'fields'],
        });
      }
      if (out.uniqueBy !== undefined && out.fields[out.uniqueBy] === undefined) {
        ctx.addIssue({ code: 'custom', message: `uniqueBy "${out.uniqueBy}" is not one of this output's fields`, path: ['outputs', i, 'uniqueBy'] });
      }
      for (const [field, f] of Object.entries(out.fields)) {
        if (typeof f !== 'object' || Array.isArray(f)) continue;
        const t = known.includes(field) ? fieldType(out.kind, field) : 'text';
        if ((f.debit !== undefined || f.sign !== undefined || f.negativeWhen !== undefined) && t !== 'decimal' && t !== 'integer' && t !== 'rate') {
          ctx.addIssue({ code: 'custom', message: `sign rules apply to amounts; ${field} is ${t}`, path: ['outputs', i, 'fields', field] });
        }
        if (f.addDays !== undefined && t !== 'date') {
          ctx.addIssue({ code: 'custom', message: `addDays makes a date; ${field} is ${t}`, path: ['outputs', i, 'fields', field] });
        }
      }
    });
    const allConditions = [
      ...(p.skip === undefined ? [] : Array.isArray(p.skip) ? p.skip : [p.skip]).flatMap((rule, j) =>
        (Array.isArray(rule) ? rule : [rule]).map((c, k) => ({ c, path: Array.isArray(rule) ? ['skip', j, k] : ['skip', j] })),
      ),
      ...p.outputs.flatMap((o, i) =>
        (o.when === undefined ? [] : Array.isArray(o.when) ? o.when : [o.when]).map((c, j) => ({ c, path: ['outputs', i, 'when', j] })),
      ),
    ];
    for (const { c, path } of allConditions) {
      if (c.matches === undefined) continue;
      try {
        new RegExp(c.matches);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `invalid regular expression: ${(err as Error).message}`, path: [...path, 'matches'] });
      }
    }
  });

export type MappingProfile = z.output<typeof profileSchema>;

/** "outputs[0].fields.amount" — how a user finds the spot in their file. */
export function jsonPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(top level)' : out;
}

export class ProfileError extends ArIntelError {
  constructor(message: string, file?: string) {
    super('VALIDATION', message, file === undefined ? {} : { file });
    this.name = 'ProfileError';
  }
}

/** Where a path sits in the source text (e.g. "line 12"), when the format can tell. */
export type PathLocator = (path: readonly PropertyKey[]) => string | undefined;

/**
 * Validates a parsed JSON or YAML document as a mapping profile; the error lists every problem with its
 * path, and with its line when a locator is given (YAML keeps node positions, JSON.parse does not).
 */
export function parseProfile(doc: unknown, origin: string, locate?: PathLocator): MappingProfile {
  const result = profileSchema.safeParse(doc);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const where = locate?.(issue.path);
    return `  ${jsonPath(issue.path)}${where ? ` (${where})` : ''}: ${issue.message}`;
  });
  throw new ProfileError(`invalid mapping profile:\n${[...new Set(lines)].join('\n')}`, origin);
}
