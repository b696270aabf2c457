import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseBankFile, type ParseOptions } from '../../ingest/bank/parse.ts';
import type { BankEntry, BankFile, BankStatement } from '../../ingest/bank/model.ts';

export const FIXTURES = fileURLToPath(new URL('../fixtures/bank/', import.meta.url));

export function fixtureBytes(rel: string): Buffer {
  return readFileSync(`${FIXTURES}${rel}`);
}

export function fixturePath(rel: string): string {
  return `${FIXTURES}${rel}`;
}

export function parseFixture(rel: string, opts: ParseOptions = {}): BankFile {
  return parseBankFile(fixtureBytes(rel), rel, opts);
}

export function stmt(file: BankFile, i = 0): BankStatement {
  const s = file.statements[i];
  if (!s) throw new Error(`no statement ${i}`);
  return s;
}

export function entry(s: BankStatement, i: number): BankEntry {
  const e = s.entries[i];
  if (!e) throw new Error(`no entry ${i}`);
  return e;
}

/** Signed amounts of a statement's entries ("-2.00", "1.00"). */
export function signed(s: BankStatement): string[] {
  return s.entries.map((e) => (e.direction === 'debit' ? `-${e.amount}` : e.amount));
}
