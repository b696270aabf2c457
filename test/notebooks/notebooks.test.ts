// The notebooks themselves run in CI through `npm run notebooks` (.ci/run); this checks what can be checked
// without a kernel: they are committed without outputs, on the Deno kernel, and import only project files and
// packages installed in node_modules (the kernel runs offline).
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DIR = join(ROOT, 'notebooks');
const EXPECTED = ['cash-forecast-backtest.ipynb', 'data-quality.ipynb', 'delinquency-model.ipynb', 'dso-bridge.ipynb'];

interface Cell { cell_type: string; source: string[] | string; outputs?: unknown[]; execution_count?: number | null }
interface Notebook { cells: Cell[]; metadata: { kernelspec?: { name?: string } } }

const load = (f: string) => JSON.parse(readFileSync(join(DIR, f), 'utf8')) as Notebook;
const text = (c: Cell) => (Array.isArray(c.source) ? c.source.join('') : c.source);

describe('notebooks', () => {
  it('has the four analyses', () => {
    expect(readdirSync(DIR).filter((f) => f.endsWith('.ipynb')).sort()).toEqual(EXPECTED);
  });

  for (const f of EXPECTED) {
    it(`${f} is committed without outputs, on the Deno kernel`, () => {
      const nb = load(f);
      expect(nb.metadata.kernelspec?.name).toBe('deno');
      for (const c of nb.cells.filter((x) => x.cell_type === 'code')) {
        expect(c.outputs ?? []).toEqual([]);
        expect(c.execution_count ?? null).toBeNull();
      }
    });

    it(`${f} imports only project files and installed packages`, () => {
      const code = load(f).cells.filter((c) => c.cell_type === 'code').map(text).join('\n');
      const specifiers = [...code.matchAll(/from\s+'([^']+)'/g)].map((m) => m[1] as string);
      expect(specifiers.length).toBeGreaterThan(0);
      for (const s of specifiers) {
        if (s.startsWith('.')) expect(existsSync(resolve(DIR, s)), s).toBe(true);
        else if (s.startsWith('node:')) continue;
        else expect(existsSync(join(ROOT, 'node_modules', s)), s).toBe(true);
      }
    });
  }
});
