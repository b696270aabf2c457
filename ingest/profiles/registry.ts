/**
 * Where profiles come from: the built-in JSON files shipped in ingest/profiles/builtin/, or a user's
 * mapping file given by path. Also picks the profile for a file from its headers when exactly one fits.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument } from 'yaml';
import { ArIntelError, FileError } from '../../core/errors.ts';
import { findHeader } from './apply.ts';
import { parseProfile, ProfileError, type MappingProfile, type PathLocator } from './schema.ts';
import type { SourceTable } from './table.ts';

const BUILTIN_DIR = join(dirname(fileURLToPath(import.meta.url)), 'builtin');

let builtinCache: MappingProfile[] | undefined;

export function parseProfileText(text: string, origin: string): MappingProfile {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ProfileError(`not valid JSON: ${(err as Error).message}`, origin);
  }
  return parseProfile(doc, origin);
}

/**
 * A mapping profile written in YAML: the same document as the JSON form, checked by the same schema;
 * every problem also names the line it sits on, since that is how people read a YAML file.
 */
export function parseProfileYaml(text: string, origin: string): MappingProfile {
  const lineCounter = new LineCounter();
  // uniqueKeys: a key given twice is a mistake to report, not a silent "last one wins".
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const first = doc.errors[0];
  if (first) {
    const at = lineCounter.linePos(first.pos[0]);
    throw new ProfileError(`not valid YAML (line ${at.line}, column ${at.col}): ${first.message.split('\n')[0] ?? ''}`, origin);
  }
  const locate: PathLocator = (path) => {
    // The deepest node that exists on the path: a missing field is reported at its parent's line.
    for (let k = path.length; k >= 0; k--) {
      const node: unknown = doc.getIn(path.slice(0, k) as unknown[], true);
      const range = (node as { range?: [number, number, number] } | undefined)?.range;
      if (range) return `line ${lineCounter.linePos(range[0]).line}`;
    }
    return undefined;
  };
  return parseProfile(doc.toJS({ maxAliasCount: 100 }), origin, locate);
}

const YAML_EXT = new Set(['.yaml', '.yml']);

export function builtinProfiles(): MappingProfile[] {
  if (!builtinCache) {
    builtinCache = readdirSync(BUILTIN_DIR)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => parseProfileText(readFileSync(join(BUILTIN_DIR, f), 'utf8'), `ingest/profiles/builtin/${f}`));
  }
  return builtinCache;
}

/** File of a built-in profile (to print it as a template), by profile name. */
export function builtinProfilePath(name: string): string | undefined {
  for (const f of readdirSync(BUILTIN_DIR).filter((x) => x.endsWith('.json'))) {
    const path = join(BUILTIN_DIR, f);
    if (parseProfileText(readFileSync(path, 'utf8'), f).name === name) return path;
  }
  return undefined;
}

export function builtinProfile(name: string): MappingProfile | undefined {
  return builtinProfiles().find((p) => p.name === name);
}

/** A built-in profile name, or a path to a mapping file (.json, .yaml or .yml, or anything containing a slash). */
export function loadProfile(ref: string): MappingProfile {
  const builtin = builtinProfile(ref);
  if (builtin) return builtin;
  const looksLikePath = extname(ref) !== '' || ref.includes('/') || ref.includes('\\');
  if (!looksLikePath) {
    throw new ArIntelError(
      'VALIDATION',
      `unknown profile "${ref}" (built-in: ${builtinProfiles()
        .map((p) => p.name)
        .join(', ')}; or give the path of a mapping .json or .yaml file)`,
      { field: 'profile' },
    );
  }
  const ext = extname(ref).toLowerCase();
  if (ext !== '.json' && !YAML_EXT.has(ext)) {
    throw new ProfileError('mapping profiles are JSON (.json) or YAML (.yaml, .yml) files', ref);
  }
  let text: string;
  try {
    text = readFileSync(ref, 'utf8');
  } catch (err) {
    throw new FileError(`cannot read the mapping profile: ${(err as Error).message}`, { file: ref });
  }
  const body = text.replace(/^\uFEFF/, '');
  return YAML_EXT.has(ext) ? parseProfileYaml(body, basename(ref)) : parseProfileText(body, basename(ref));
}

/** The one built-in profile whose required headers the file has; otherwise an error listing what fits. */
export function detectProfile(table: SourceTable, profiles: MappingProfile[] = builtinProfiles()): MappingProfile {
  const fits = profiles.filter((p) => !('missing' in findHeader(table, p)));
  if (fits.length === 1) return fits[0] as MappingProfile;
  if (fits.length === 0) {
    throw new FileError(
      `no built-in profile matches this file's headers; pass --profile with one of ${profiles.map((p) => p.name).join(', ')} or a mapping .json/.yaml file`,
      { file: table.file },
    );
  }
  throw new FileError(`several profiles match this file's headers (${fits.map((p) => p.name).join(', ')}); choose one with --profile`, {
    file: table.file,
  });
}
