import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { Entities } from '../store/index.js';

/**
 * SECRET_PROJECT holds server-wide Labs secrets. It cannot collide with a user project: project
 * names match [A-Za-z0-9_.-], and `~` is outside that set.
 */
const SECRET_PROJECT = '~vigil';
const SECRET_KIND = 'labs_secret';
const SECRET_ID = 'user_key';

/** UserHasher turns a user id into the pseudonym Labs stores; the id itself is never stored. */
export type UserHasher = (project: string, user: string) => string;

/** TokenSigner makes the MAC of a feedback token's payload (hex). */
export type TokenSigner = (project: string, payload: string) => string;

/** LabsKeys are the keys Labs derives from the server's secret, one per purpose. */
export interface LabsKeys {
  hashUser: UserHasher;
  signToken: TokenSigner;
}

/**
 * loadLabsKeys reads the server's Labs secret and derives one key per purpose: user pseudonyms
 * keep the secret itself (so pseudonyms already stored stay valid), feedback tokens are signed
 * with HKDF-SHA256(secret, info "vigil labs feedback-token v1"). A MAC can thus never equal a
 * pseudonym, whatever user id is chosen.
 */
export async function loadLabsKeys(entities: Entities): Promise<LabsKeys> {
  const key = await loadSecret(entities);
  const tokenKey = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'vigil labs feedback-token v1', 32));
  return {
    hashUser: hasherOf(key),
    signToken: (project, payload) =>
      createHmac('sha256', tokenKey).update(`${project}\u0000${payload}`).digest('hex'),
  };
}

/**
 * loadUserHasher reads the server's HMAC key from Entities, creating it on first use. Two nodes
 * starting at once on an empty store could both create one; each re-reads after writing, so
 * both adopt the version the store kept (ReplacingMergeTree keeps the newest), and only a write
 * landing between the other node's write and its read could split them (documented in
 * docs/labs.md: start the first node alone).
 */
export async function loadUserHasher(entities: Entities): Promise<UserHasher> {
  return hasherOf(await loadSecret(entities));
}

async function loadSecret(entities: Entities): Promise<Buffer> {
  let stored = await entities.get<{ key: string }>(SECRET_PROJECT, SECRET_KIND, SECRET_ID);
  if (!stored) {
    await entities.put(SECRET_PROJECT, SECRET_KIND, SECRET_ID, {
      key: randomBytes(32).toString('base64'),
      created: new Date().toISOString(),
    });
    stored = await entities.get<{ key: string }>(SECRET_PROJECT, SECRET_KIND, SECRET_ID);
  }
  if (!stored) throw new Error('the Labs user key could not be stored');
  return Buffer.from(stored.key, 'base64');
}

function hasherOf(key: Buffer): UserHasher {
  // The project is part of the message, so the same person gets unrelated pseudonyms in two
  // projects and one tenant's telemetry cannot be joined with another's.
  return (project, user) =>
    createHmac('sha256', key).update(`${project}\u0000${user}`).digest('hex').slice(0, 32);
}
