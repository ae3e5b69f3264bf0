import { createHash, randomBytes } from 'node:crypto';

/**
 * API key text is `vgl_<id>_<secret>`: the id (16 hex digits, no `_`) finds the key's row in one
 * primary-key read; the secret is 32 random bytes in base64url (which may itself hold `_`, so
 * the secret is everything after the second `_`). Only a salted scrypt hash of the secret is kept.
 */
export const KEY_PREFIX = 'vgl_';
const ID_RE = /^[0-9a-f]{16}$/;
const SECRET_RE = /^[A-Za-z0-9_-]{43,128}$/;

export interface KeyText {
  id: string;
  secret: string;
}

export function newKeyId(): string {
  return randomBytes(8).toString('hex');
}

export function isKeyId(v: string): boolean {
  return ID_RE.test(v);
}

/** newKeyText makes a fresh key for `id`; it is shown once and never stored. */
export function newKeyText(id: string): { text: string; secret: string } {
  const secret = randomBytes(32).toString('base64url');
  return { text: `${KEY_PREFIX}${id}_${secret}`, secret };
}

/** parseKeyText splits presented key text, or gives undefined when it cannot be a Vigil key. */
export function parseKeyText(text: string): KeyText | undefined {
  if (!text.startsWith(KEY_PREFIX) || text.length > 200) return undefined;
  const rest = text.slice(KEY_PREFIX.length);
  const cut = rest.indexOf('_');
  if (cut < 0) return undefined;
  const id = rest.slice(0, cut);
  const secret = rest.slice(cut + 1);
  return ID_RE.test(id) && SECRET_RE.test(secret) ? { id, secret } : undefined;
}

/**
 * fastHash names presented key text (and session tokens) in memory caches and the sessions
 * table. SHA-256 is enough here: the inputs carry 256 random bits, so there is nothing to guess.
 */
export function fastHash(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}
