import { createHash } from 'node:crypto';

/**
 * bucketOf places a user on [0, 100) for one experiment, deterministically: the same user gets
 * the same bucket on every node and every call, and different experiments shuffle users
 * independently (the experiment id is part of the hash), so a 10% experiment does not always
 * take the same 10% of users.
 */
export function bucketOf(experimentId: string, userHash: string): number {
  const digest = createHash('sha256').update(`${experimentId}\u0000${userHash}`).digest();
  return (digest.readUInt32BE(0) / 2 ** 32) * 100;
}

/**
 * isAllocated tells whether an opted-in user is served by the prototype: allow-listed users
 * always are; the others when their bucket falls under the experiment's percentage.
 */
export function isAllocated(
  experimentId: string,
  allocation: { percent: number; allow_hashes: readonly string[] },
  userHash: string,
): boolean {
  if (allocation.allow_hashes.includes(userHash)) return true;
  return bucketOf(experimentId, userHash) < allocation.percent;
}
