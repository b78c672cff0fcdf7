import crypto from 'node:crypto';

/** Every API token starts with this, so secret scanners and people can tell it from a login token. */
export const API_TOKEN_PREFIX = 'sitrep_';

const SHAPE = /^sitrep_[A-Za-z0-9_-]{43}$/;

/** A new secret: the prefix and 32 random bytes (256 bits) in base64url. */
export function generateApiTokenSecret(): string {
  return API_TOKEN_PREFIX + crypto.randomBytes(32).toString('base64url');
}

/** True when `token` is meant as an API token (it may still be malformed or unknown). */
export function looksLikeApiToken(token: string): boolean {
  return token.startsWith(API_TOKEN_PREFIX);
}

/** True when `token` has the exact shape `generateApiTokenSecret` produces. */
export function isWellFormedApiToken(token: string): boolean {
  return SHAPE.test(token);
}

/**
 * What is stored: SHA-256 of the secret, hex. A slow password hash would add
 * nothing here: the secret has 256 bits of entropy, and it is checked on
 * every webhook delivery.
 */
export function hashApiTokenSecret(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}
