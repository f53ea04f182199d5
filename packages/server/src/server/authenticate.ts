/** Bearer-key authentication of one request. */
import { PermissioAuthenticationError } from '@permissio/core';
import type { FastifyRequest } from 'fastify';
import type { AuthenticatedKey, KeyRing } from '../auth.js';

/** The key of `request`'s `Authorization: Bearer …` header; throws a 401 error when missing, malformed or unknown. */
export function authenticateRequest(keys: KeyRing, request: FastifyRequest): AuthenticatedKey {
  const header = request.headers.authorization;
  if (header === undefined || header === '') {
    throw new PermissioAuthenticationError('Missing API key: send "Authorization: Bearer permis_key_…".');
  }
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  if (match === null) {
    throw new PermissioAuthenticationError('Malformed Authorization header: expected "Bearer permis_key_…".');
  }
  const key = keys.authenticate(match[1] as string);
  if (key === undefined) throw new PermissioAuthenticationError('Invalid API key.');
  return key;
}
