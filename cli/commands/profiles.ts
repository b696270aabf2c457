/** `ar-intel profiles [name]`: the built-in ERP/CRM export profiles, or one profile's JSON to copy as a template. */
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { ArIntelError } from '../../core/errors.ts';
import { builtinProfilePath, builtinProfiles } from '../../ingest/profiles/registry.ts';

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
}

export function registerProfiles(program: Command): void {
  program
    .command('profiles')
    .description('list the built-in ERP/CRM export profiles for `ingest --profile`; with a name, print that profile as a mapping-file template')
    .argument('[name]', 'profile to print as JSON')
    .action((name: string | undefined) => {
      const profiles = builtinProfiles();
      if (name !== undefined) {
        const path = builtinProfilePath(name);
        if (!path) {
          throw new ArIntelError('NOT_FOUND', `no built-in profile "${name}" (built-in: ${profiles.map((p) => p.name).join(', ')})`, {
            field: 'name',
          });
        }
        process.stdout.write(readFileSync(path, 'utf8'));
        return;
      }
      console.log(
        table([
          ['name', 'system', 'kinds', 'description'],
          ...profiles.map((p) => [p.name, p.system, [...new Set(p.outputs.map((o) => o.kind))].join(','), p.description]),
        ]),
      );
      console.log('\nA file whose headers fit exactly one profile is detected by `ar-intel ingest`; otherwise pass --profile NAME or');
      console.log('--profile mapping.json or mapping.yaml (format: docs/data-format.md, "ERP/CRM export profiles"; `ar-intel profiles NAME` prints a template).');
    });
}
