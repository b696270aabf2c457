/**
 * API keys: the secret is shown once at creation and only its SHA-256 is stored, so a copy of the
 * warehouse file does not leak working credentials.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ArIntelError } from '../../core/errors.ts';
import type { Warehouse } from '../../core/warehouse.ts';

export const ROLES = ['collector', 'credit', 'cfo', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const roleSchema = z.enum(ROLES);

export interface Principal {
  readonly keyId: string;
  readonly role: Role;
  readonly collectorId: string | null;
}

export function hashKey(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export interface CreatedKey extends Principal {
  readonly secret: string;
  readonly label: string | null;
}

export async function createKey(
  wh: Warehouse,
  input: { role: Role; collectorId?: string | undefined; label?: string | undefined },
  createdAt: string,
): Promise<CreatedKey> {
  const role = roleSchema.parse(input.role);
  if (role === 'collector' && !input.collectorId) {
    throw new ArIntelError('VALIDATION', 'a collector key needs --collector ID (the collector whose worklist it may read)', { field: 'collector' });
  }
  if (role === 'collector') {
    const known = await wh.one('select 1 as ok from collectors where collector_id = $1', [input.collectorId ?? '']);
    if (!known) throw new ArIntelError('VALIDATION', `unknown collector "${input.collectorId}"`, { field: 'collector' });
  }
  const keyId = `k_${randomBytes(6).toString('hex')}`;
  const secret = `ari_${randomBytes(24).toString('base64url')}`;
  const collectorId = role === 'collector' ? (input.collectorId ?? null) : null;
  await wh.run(
    `insert into api_keys (key_id, key_hash, role, collector_id, label, created_at) values ($1, $2, $3, $4, $5, $6::timestamp)`,
    [keyId, hashKey(secret), role, collectorId, input.label ?? null, createdAt],
  );
  return { keyId, secret, role, collectorId, label: input.label ?? null };
}

export async function revokeKey(wh: Warehouse, keyId: string, revokedAt: string): Promise<boolean> {
  const row = await wh.one<{ n: string }>(
    `update api_keys set revoked_at = $2::timestamp where key_id = $1 and revoked_at is null returning 1 as n`,
    [keyId, revokedAt],
  );
  return row !== undefined;
}

export async function listKeys(wh: Warehouse) {
  return wh.all<{ key_id: string; role: string; collector_id: string | null; label: string | null; created_at: string; revoked_at: string | null }>(
    `select key_id, role, collector_id, label, created_at::varchar as created_at, revoked_at::varchar as revoked_at
     from api_keys order by created_at, key_id`,
  );
}

export async function findPrincipal(wh: Warehouse, secret: string): Promise<Principal | undefined> {
  const row = await wh.one<{ key_id: string; role: Role; collector_id: string | null }>(
    `select key_id, role, collector_id from api_keys where key_hash = $1 and revoked_at is null`,
    [hashKey(secret)],
  );
  return row ? { keyId: row.key_id, role: row.role, collectorId: row.collector_id } : undefined;
}

export async function countActiveKeys(wh: Warehouse): Promise<number> {
  const row = await wh.one<{ n: string }>(`select count(*)::bigint as n from api_keys where revoked_at is null`);
  return Number(row?.n ?? 0);
}
