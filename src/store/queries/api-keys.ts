import type { ApiKeyRecord } from '../../domain/api-keys.js';
import type { ApiKeyStore } from '../port.js';
import type { Queries } from './queries.js';
import { toApiKey } from './row-mappers.js';

/** The HTTP API's org keys (migration 0005_api_keys). */
export class ApiKeyQueries implements ApiKeyStore {
  constructor(private readonly q: Queries) {}

  async saveApiKey(key: ApiKeyRecord): Promise<void> {
    await this.q.db
      .insertInto('api_keys')
      .values({ id: key.id, org_id: key.orgId, key_hash: key.keyHash, label: key.label, created_at: key.createdAt, revoked_at: key.revokedAt })
      .execute();
  }

  async findApiKeyByHash(keyHash: string): Promise<ApiKeyRecord | null> {
    const row = await this.q.db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).executeTakeFirst();
    return row ? toApiKey(row) : null;
  }

  async listApiKeys(orgId: string): Promise<ApiKeyRecord[]> {
    const rows = await this.q.db.selectFrom('api_keys').selectAll().where('org_id', '=', orgId).orderBy('created_at').orderBy('id').execute();
    return rows.map(toApiKey);
  }

  async revokeApiKey(orgId: string, keyId: string, at: string): Promise<boolean> {
    const found = await this.q.db.selectFrom('api_keys').select('revoked_at').where('org_id', '=', orgId).where('id', '=', keyId).executeTakeFirst();
    if (!found) return false;
    if (found.revoked_at === null) await this.q.db.updateTable('api_keys').set({ revoked_at: at }).where('id', '=', keyId).execute();
    return true;
  }
}
