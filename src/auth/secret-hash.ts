import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Key secrets are stored as scrypt(secret, salt) with a 16-byte random salt per key. The cost
 * (N = 2^14, r = 8, p = 1: about 16 MB and tens of ms) is paid once per key per node: verified
 * keys are cached in memory (see KeyVerifier), so ingestion does not pay it per request.
 */
const PARAMS: ScryptOptions = { N: 1 << 14, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_LEN = 32;

function derive(secret: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(secret, salt, KEY_LEN, PARAMS, (err, out) => (err ? reject(err) : resolve(out))),
  );
}

export async function hashSecret(secret: string): Promise<{ salt: string; hash: string }> {
  const salt = randomBytes(16);
  return { salt: salt.toString('base64'), hash: (await derive(secret, salt)).toString('base64') };
}

/** verifySecret compares in constant time. */
export async function verifySecret(secret: string, salt: string, hash: string): Promise<boolean> {
  const expected = Buffer.from(hash, 'base64');
  const got = await derive(secret, Buffer.from(salt, 'base64'));
  return expected.length === got.length && timingSafeEqual(expected, got);
}
