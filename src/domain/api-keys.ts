/** An org key of the HTTP API: its hash only, never the key. */
export interface ApiKeyRecord {
  id: string;
  orgId: string;
  keyHash: string;
  label: string | null;
  createdAt: string;
  revokedAt: string | null;
}
