/**
 * Where profiles come from: the built-in JSON files shipped in ingest/profiles/builtin/, or a user's
 * mapping file given by path. Also picks the profile for a file from its headers when exactly one fits.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArIntelError, FileError } from '../../core/errors.ts';
import { findHeader } from './apply.ts';
import { parseProfile, ProfileError, type MappingProfile } from './schema.ts';
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

/** A built-in profile name, or a path to a mapping file (anything ending in .json or containing a slash). */
export function loadProfile(ref: string): MappingProfile {
  const builtin = builtinProfile(ref);
  if (builtin) return builtin;
  const looksLikePath = extname(ref) !== '' || ref.includes('/') || ref.includes('\\');
  if (!looksLikePath) {
    throw new ArIntelError(
      'VALIDATION',
      `unknown profile "${ref}" (built-in: ${builtinProfiles()
        .map((p) => p.name)
        .join(', ')}; or give the path of a mapping .json file)`,
      { field: 'profile' },
    );
  }
  if (extname(ref).toLowerCase() !== '.json') {
    throw new ProfileError('mapping profiles are JSON files (.json)', ref);
  }
  let text: string;
  try {
    text = readFileSync(ref, 'utf8');
  } catch (err) {
    throw new FileError(`cannot read the mapping profile: ${(err as Error).message}`, { file: ref });
  }
  return parseProfileText(text.replace(/^\uFEFF/, ''), basename(ref));
}

/** The one built-in profile whose required headers the file has; otherwise an error listing what fits. */
export function detectProfile(table: SourceTable, profiles: MappingProfile[] = builtinProfiles()): MappingProfile {
  const fits = profiles.filter((p) => !('missing' in findHeader(table, p)));
  if (fits.length === 1) return fits[0] as MappingProfile;
  if (fits.length === 0) {
    throw new FileError(
      `no built-in profile matches this file's headers; pass --profile with one of ${profiles.map((p) => p.name).join(', ')} or a mapping .json file`,
      { file: table.file },
    );
  }
  throw new FileError(`several profiles match this file's headers (${fits.map((p) => p.name).join(', ')}); choose one with --profile`, {
    file: table.file,
  });
}
