/**
 * ERP/CRM export profiles: read a CSV or XLSX export, pick (or detect) its mapping profile and
 * convert it into canonical records grouped by kind, ready for the canonical loader.
 */
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { FileError } from '../../core/errors.ts';
import { applyProfile, type Conversion } from './apply.ts';
import { readCsv } from './read-csv.ts';
import { readXlsx } from './read-xlsx.ts';
import { builtinProfiles, detectProfile, loadProfile } from './registry.ts';
import type { MappingProfile } from './schema.ts';
import type { SourceTable } from './table.ts';

export type { CanonicalRecord, Conversion, RowIssue } from './apply.ts';
export type { MappingProfile } from './schema.ts';
export { applyProfile } from './apply.ts';
export { builtinProfiles, loadProfile, detectProfile, parseProfileText, parseProfileYaml } from './registry.ts';
export { parseProfile, ProfileError } from './schema.ts';

function isWorkbook(path: string, bytes: Uint8Array): boolean {
  const ext = extname(path).toLowerCase();
  if (ext === '.xlsx' || ext === '.xlsm') return true;
  // A zip signature under another name is still a workbook; old binary .xls is not readable.
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

export async function readSource(path: string, bytes: Uint8Array, profile?: MappingProfile): Promise<SourceTable> {
  const name = basename(path);
  const src = profile?.source;
  if (extname(path).toLowerCase() === '.xls' || (bytes[0] === 0xd0 && bytes[1] === 0xcf)) {
    throw new FileError('legacy .xls workbooks are not supported; save the sheet as .xlsx or CSV', { file: name });
  }
  const xlsx = src?.format === 'xlsx' || (src?.format !== 'csv' && isWorkbook(path, bytes));
  if (xlsx) return readXlsx(bytes, name, src?.sheet);
  return readCsv(bytes, name, {
    ...(src?.encoding ? { encoding: src.encoding } : {}),
    ...(src?.delimiter ? { delimiter: src.delimiter } : {}),
  });
}

/**
 * Converts one export with the named profile (built-in name or mapping .json path), or with the
 * only built-in profile its headers fit when `profileRef` is omitted.
 */
export async function convertFile(path: string, profileRef?: string): Promise<Conversion & { profileDef: MappingProfile }> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new FileError(`cannot read the file: ${(err as Error).message}`, { file: path });
  }
  let profile: MappingProfile;
  let table: SourceTable;
  if (profileRef !== undefined) {
    profile = loadProfile(profileRef);
    table = await readSource(path, bytes, profile);
  } else {
    table = await readSource(path, bytes);
    profile = detectProfile(table, builtinProfiles());
    // The detected profile may pin a sheet, delimiter or encoding the first read guessed.
    table = await readSource(path, bytes, profile);
  }
  return { ...applyProfile(table, profile), profileDef: profile };
}
