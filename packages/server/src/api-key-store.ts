/**
 * API key management of a running server (`GET`/`POST`/`DELETE
 * …/api_keys`): the stored keys of one project/environment, and the
 * in-memory key ring, changed together, so a revoked key is refused from the
 * next request on. Only digests are kept; a created key is answered once.
 */
import { PermissioNotFoundError, PermissioValidationError } from '@permissio/core';
import { API_KEY_PREFIX, apiKeyPrefix, generateApiKey, hashApiKey, type KeyRing } from './auth.js';
import type { KeyScope } from './key-scopes.js';
import type { Scope, Storage, StoredApiKey } from './storage.js';

/** One key as listed: never the key itself. */
export interface ListedKey {
  /** The first 12 hex characters of the key's SHA-256 (what revoking takes). */
  id: string;
  /** `permis_key_AbCd1234…` for created keys; `null` for configured ones (never stored in part). */
  prefix: string | null;
  scopes: KeyScope[];
  projectId: string;
  environmentId: string;
  createdAt: string | null;
}

/** A stored key → its listing. */
export function listedKey(key: StoredApiKey): ListedKey {
  return {
    id: key.hash.slice(0, 12),
    prefix: key.prefix === undefined ? null : `${API_KEY_PREFIX}${key.prefix}…`,
    scopes: key.scopes ?? ['admin'],
    projectId: key.projectId,
    environmentId: key.environmentId,
    createdAt: key.createdAt ?? null,
  };
}

/** Creates a key in `scope` with `scopes` and stores its digest; resolves to the key (shown once) and its listing. */
export async function createStoredKey(
  storage: Storage,
  scope: Scope,
  scopes: KeyScope[],
): Promise<{ key: string; listed: ListedKey; stored: StoredApiKey }> {
  const key = generateApiKey();
  const stored: StoredApiKey = { hash: hashApiKey(key), ...scope, scopes, prefix: apiKeyPrefix(key) };
  await storage.putApiKey(stored);
  const saved = (await storage.listApiKeys()).find((k) => k.hash === stored.hash) ?? stored;
  return { key, listed: listedKey(saved), stored: saved };
}

const sameScope = (key: StoredApiKey, scope: Scope) =>
  key.projectId === scope.projectId && key.environmentId === scope.environmentId;

/** The keys of a running server: storage and key ring together. */
export class ApiKeyStore {
  readonly #storage: Storage;
  readonly #ring: KeyRing;

  constructor(storage: Storage, ring: KeyRing) {
    this.#storage = storage;
    this.#ring = ring;
  }

  /** The keys of `scope`, oldest first. */
  async list(scope: Scope): Promise<ListedKey[]> {
    const keys = (await this.#storage.listApiKeys()).filter((k) => sameScope(k, scope));
    return keys.map(listedKey).sort((a, b) => (a.createdAt ?? '').localeCompare(b.createdAt ?? ''));
  }

  /** A new key of `scope`, accepted from now on; the answer is the only place the key appears. */
  async create(scope: Scope, scopes: KeyScope[]): Promise<ListedKey & { key: string }> {
    const { key, listed, stored } = await createStoredKey(this.#storage, scope, scopes);
    this.#ring.add(stored);
    return { key, ...listed };
  }

  /** Revokes the key of `scope` whose id starts with `id` (8 to 64 hex characters); 404 unless exactly one. */
  async revoke(scope: Scope, id: string): Promise<void> {
    if (!/^[0-9a-f]{8,64}$/.test(id)) {
      throw new PermissioValidationError('The key id is 8 to 64 lowercase hex characters (the "id" of the listing).');
    }
    if (this.#storage.deleteApiKey === undefined) throw new Error('This storage cannot delete API keys.');
    const matches = (await this.#storage.listApiKeys()).filter((k) => sameScope(k, scope) && k.hash.startsWith(id));
    if (matches.length !== 1) {
      throw new PermissioNotFoundError(
        matches.length === 0
          ? 'No API key of this project/environment has this id.'
          : `${matches.length} API keys match this id; give more of its characters.`,
      );
    }
    const { hash } = matches[0] as StoredApiKey;
    // The ring first: from here on the key is refused, even if the database write fails.
    this.#ring.remove(hash);
    await this.#storage.deleteApiKey(hash);
  }
}
