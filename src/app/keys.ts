import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { AppContext } from './context.js';
import { requireOrg } from './context.js';
import { AppError } from './errors.js';

/**
 * Who calls: the admin (the key of `$LOYALTY_ADMIN_KEY`, every org) or an org (a key made by the
 * admin, its own org only).
 *
 * An org key is 32 random bytes and only its SHA-256 is stored. A slow hash (bcrypt, scrypt)
 * protects secrets people choose, which can be guessed from a dictionary; 256 random bits cannot
 * be guessed, so one fast hash is as safe, and it lets a request find its key by an index.
 */
export type Caller = { kind: 'admin' } | { kind: 'org'; orgId: string; keyId: string };

/** What an org key's listing shows: never the key, nor its hash. */
export interface OrgKeyInfo {
  id: string;
  org: string;
  label: string | null;
  createdAt: string;
  revokedAt: string | null;
}

const PREFIX = 'lik_';

/** The stored form of a key. */
export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Makes an org key: the only time it is shown. */
export async function createOrgKey(ctx: AppContext, orgId: string, label: string | null = null): Promise<{ id: string; key: string }> {
  await requireOrg(ctx, orgId);
  const key = PREFIX + randomBytes(32).toString('base64url');
  const id = randomUUID();
  await ctx.store.saveApiKey({ id, orgId, keyHash: hashKey(key), label, createdAt: new Date().toISOString(), revokedAt: null });
  return { id, key };
}

/** The org's keys, revoked ones included. */
export async function listOrgKeys(ctx: AppContext, orgId: string): Promise<OrgKeyInfo[]> {
  await requireOrg(ctx, orgId);
  return (await ctx.store.listApiKeys(orgId)).map((k) => ({ id: k.id, org: k.orgId, label: k.label, createdAt: k.createdAt, revokedAt: k.revokedAt }));
}

/** Revokes an org key at once: its next request answers 401. */
export async function revokeOrgKey(ctx: AppContext, orgId: string, keyId: string): Promise<void> {
  await requireOrg(ctx, orgId);
  if (!(await ctx.store.revokeApiKey(orgId, keyId, new Date().toISOString()))) throw new AppError('NOT_FOUND', `Org "${orgId}" has no key with id "${keyId}"; GET /api/orgs/${orgId}/keys lists them`);
}

/** The caller a presented key stands for, or null for no key, a wrong one or a revoked one. */
export async function authenticate(ctx: AppContext, adminKey: string, presented: string | undefined): Promise<Caller | null> {
  if (!presented) return null;
  const hash = hashKey(presented);
  // Compared as hashes, in constant time, so that the comparison says nothing of the admin key.
  if (timingSafeEqual(Buffer.from(hash, 'hex'), Buffer.from(hashKey(adminKey), 'hex'))) return { kind: 'admin' };
  if (!presented.startsWith(PREFIX)) return null;
  const found = await ctx.store.findApiKeyByHash(hash);
  if (!found || found.revokedAt !== null) return null;
  return { kind: 'org', orgId: found.orgId, keyId: found.id };
}
