import type { Command } from 'commander';
import { configFrom, withWarehouse } from '../context.ts';
import { createKey, listKeys, revokeKey, roleSchema } from '../../api/access/keys.ts';
import { ArIntelError } from '../../core/errors.ts';

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('create, list and revoke API keys (stored hashed)');
  keys
    .command('create')
    .description('create a key; the secret is printed once and cannot be shown again')
    .requiredOption('--role <role>', 'collector | credit | cfo | admin')
    .option('--collector <id>', 'collector id (required for --role collector)')
    .option('--label <text>', 'who or what the key is for')
    .action(async (opts: { role: string; collector?: string; label?: string }, cmd: Command) => {
      const role = roleSchema.safeParse(opts.role);
      if (!role.success) throw new ArIntelError('VALIDATION', `--role must be one of collector, credit, cfo, admin (got "${opts.role}")`, { field: 'role' });
      await withWarehouse(configFrom(cmd), async (wh) => {
        const k = await createKey(wh, { role: role.data, collectorId: opts.collector, label: opts.label }, new Date().toISOString());
        console.log(`key ${k.keyId} (${k.role}${k.collectorId ? ` for collector ${k.collectorId}` : ''})`);
        console.log(`secret: ${k.secret}`);
        console.log('store it now: only its hash is kept.');
      });
    });
  keys
    .command('list')
    .description('list keys (never their secrets)')
    .action(async (_opts: unknown, cmd: Command) => {
      await withWarehouse(configFrom(cmd), async (wh) => {
        const rows = await listKeys(wh);
        if (rows.length === 0) console.log('no keys');
        for (const r of rows) {
          console.log([r.key_id, r.role, r.collector_id ?? '-', r.label ?? '-', r.created_at, r.revoked_at ? `revoked ${r.revoked_at}` : 'active'].join('\t'));
        }
      });
    });
  keys
    .command('revoke <keyId>')
    .description('revoke a key; it stops working at once')
    .action(async (keyId: string, _opts: unknown, cmd: Command) => {
      await withWarehouse(configFrom(cmd), async (wh) => {
        if (!(await revokeKey(wh, keyId, new Date().toISOString()))) {
          throw new ArIntelError('NOT_FOUND', `no active key ${keyId} (see \`ar-intel keys list\`)`, { field: 'keyId' }, 404);
        }
        console.log(`revoked ${keyId}`);
      });
    });
}
