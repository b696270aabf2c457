/**
 * First stage of a run: whatever lies in the drop folder is ingested, then moved out of the way so the
 * watcher does not trigger on it again — loaded, partial and duplicate files to `processed/`, files that
 * could not be loaded to `failed/` with a `<name>.reason.txt` saying why. Each file is its own load
 * transaction (ingestFiles), so a file that fails never leaves half its rows behind.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ingestFiles, type IngestResult } from '../ingest/index.ts';
import type { Stage } from './stages.ts';

export interface DropOutcome {
  readonly file: string;
  readonly to: 'processed' | 'failed';
  readonly reason?: string;
}

/**
 * Regular, non-hidden files waiting in dropDir (processed/ and failed/ are sub-folders, so never inputs).
 * Same rule as the watcher's pendingDropFiles in schedule.ts, kept here because schedule.ts imports the
 * pipeline and through it this stage.
 */
export function dropFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => !f.startsWith('.'))
    .map((f) => join(dir, f))
    .filter((p) => statSync(p, { throwIfNoEntry: false })?.isFile() === true)
    .sort();
}

/** A free name in dir: a file dropped twice under the same name must not overwrite the first copy. */
function freeTarget(dir: string, name: string): string {
  let target = join(dir, name);
  for (let n = 1; existsSync(target); n++) target = join(dir, `${name}.${n}`);
  return target;
}

function move(path: string, dropDir: string, to: 'processed' | 'failed', reason?: string): string {
  const dir = join(dropDir, to);
  mkdirSync(dir, { recursive: true });
  const target = freeTarget(dir, basename(path));
  renameSync(path, target);
  if (reason !== undefined) writeFileSync(`${target}.reason.txt`, `${reason}\n`);
  return target;
}

function failureReason(results: readonly IngestResult[]): string | undefined {
  const failed = results.filter((r) => r.status === 'failed');
  if (results.length > 0 && failed.length === 0) return undefined;
  if (results.length === 0) return 'the file produced no load';
  return failed.map((r) => `${r.kind}: ${r.message ?? 'failed'}`).join('\n');
}

/**
 * Ingests every pending file in dropDir. All files go through ingestFiles together so they load in
 * dependency order (customers before invoices); if that call throws outright, each file is retried alone
 * so one bad file cannot hold back the others (files already loaded come back as duplicates).
 */
export async function ingestDropFolder(
  ctx: Parameters<Stage['run']>[0],
): Promise<{ rows: number; outcomes: DropOutcome[] }> {
  const dropDir = ctx.config.dropDir;
  const files = dropFiles(dropDir);
  if (files.length === 0) return { rows: 0, outcomes: [] };
  const byFile = new Map<string, IngestResult[]>();
  const thrown = new Map<string, string>();
  try {
    for (const r of await ingestFiles(ctx.wh, files)) byFile.set(r.file, [...(byFile.get(r.file) ?? []), r]);
  } catch {
    byFile.clear();
    for (const f of files) {
      try {
        byFile.set(basename(f), await ingestFiles(ctx.wh, [f]));
      } catch (err) {
        thrown.set(basename(f), (err as Error).message);
      }
    }
  }
  let rows = 0;
  const outcomes: DropOutcome[] = [];
  for (const f of files) {
    const name = basename(f);
    const results = byFile.get(name) ?? [];
    for (const r of results) rows += r.rowsLoaded + r.rowsUpdated;
    const reason = thrown.get(name) ?? failureReason(results);
    if (reason === undefined) {
      move(f, dropDir, 'processed');
      outcomes.push({ file: name, to: 'processed' });
      ctx.log(`    ${name}: ${results.map((r) => `${r.kind} ${r.status}, ${r.rowsLoaded} rows`).join('; ')} → processed/`);
    } else {
      move(f, dropDir, 'failed', reason);
      outcomes.push({ file: name, to: 'failed', reason });
      ctx.log(`    ${name}: failed (${reason.split('\n')[0]}) → failed/`);
    }
  }
  return { rows, outcomes };
}

export const dropStage: Stage = {
  name: 'drop-folder',
  // Ingest is committed file by file before the file is moved; it feeds the run rather than being its output.
  commitsOwnWrites: true,
  async run(ctx) {
    const { rows } = await ingestDropFolder(ctx);
    return { rows };
  },
};
