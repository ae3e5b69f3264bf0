import { describe, expect, it } from 'vitest';
import { FOLLOWER, type LeaseClaim, type LeaseState, leaseHeld, leaseStep, leaseWinner } from './lease.js';

const timing = { ttlMs: 10_000, settleMs: 2_000 };

/** A tiny world: a claim table every node reads and writes, and nodes ticking in a given order. */
function world() {
  const claims: LeaseClaim[] = [];
  const states = new Map<string, LeaseState>();
  return {
    claims,
    /** read: what node `me` read at `now` (a copy, so a later write is not seen). */
    read: () => claims.map((c) => ({ ...c })),
    step(me: string, seen: readonly LeaseClaim[], now: number) {
      const d = leaseStep(states.get(me) ?? FOLLOWER, seen, me, now, timing);
      if (d.write) claims.push(d.write);
      states.set(me, d.state);
      return d;
    },
    held: (me: string, now: number) => leaseHeld(states.get(me) ?? FOLLOWER, now),
  };
}

describe('lease state machine', () => {
  it('names the smallest holder of the largest term, with its latest expiry', () => {
    expect(leaseWinner([])).toBeNull();
    expect(
      leaseWinner([
        { term: 1, holder: 'a', expires: 50 },
        { term: 2, holder: 'c', expires: 10 },
        { term: 2, holder: 'b', expires: 5 },
        { term: 2, holder: 'b', expires: 30 },
      ]),
    ).toEqual({ term: 2, holder: 'b', expires: 30 });
  });

  it('a lone node claims, waits one settle, then leads and renews', () => {
    const w = world();
    expect(w.step('a', w.read(), 0).state.role).toBe('candidate');
    expect(w.held('a', 0)).toBe(false);
    expect(w.step('a', w.read(), 1_000).state.role).toBe('candidate');
    expect(w.step('a', w.read(), 2_000).state.role).toBe('leader');
    expect(w.held('a', 2_000)).toBe(true);
    const renew = w.step('a', w.read(), 4_000);
    expect(renew.write).toEqual({ term: 1, holder: 'a', expires: 14_000 });
    expect(w.held('a', 13_999)).toBe(true);
    // A leader that cannot renew (store unreachable) stops acting at the expiry it last wrote.
    expect(w.held('a', 14_000)).toBe(false);
  });

  it('two nodes claiming the same term at once: both see both claims after the settle, one leads', () => {
    for (const order of [
      ['a', 'b'],
      ['b', 'a'],
    ] as const) {
      const w = world();
      // Both read an empty table before either writes.
      const seenA = w.read();
      const seenB = w.read();
      w.step(order[0], order[0] === 'a' ? seenA : seenB, 0);
      w.step(order[1], order[1] === 'a' ? seenA : seenB, 10);
      expect(w.claims.map((c) => c.term)).toEqual([1, 1]);
      w.step('a', w.read(), 2_100);
      w.step('b', w.read(), 2_100);
      expect([w.held('a', 2_100), w.held('b', 2_100)]).toEqual([true, false]);
    }
  });

  it('a follower waits while the lease is valid and takes it over once it runs out', () => {
    const w = world();
    w.step('a', w.read(), 0);
    w.step('a', w.read(), 2_000); // a leads, expires 12 000
    expect(w.step('b', w.read(), 2_500).state.role).toBe('follower');
    // a is killed: no more renewals.
    expect(w.step('b', w.read(), 11_999).write).toBeNull();
    const claim = w.step('b', w.read(), 12_000);
    expect(claim.write).toEqual({ term: 2, holder: 'b', expires: 22_000 });
    expect(w.step('b', w.read(), 14_000).state.role).toBe('leader');
    expect(w.held('b', 14_000)).toBe(true);
  });

  it('a leader that finds a later term (it stalled past its expiry) steps down', () => {
    const w = world();
    w.step('a', w.read(), 0);
    w.step('a', w.read(), 2_000);
    w.step('b', w.read(), 12_500);
    w.step('b', w.read(), 14_500);
    expect(w.held('b', 14_500)).toBe(true);
    const back = w.step('a', w.read(), 15_000);
    expect(back.state.role).toBe('follower');
    expect(back.write).toBeNull();
    expect(w.held('a', 15_000)).toBe(false);
  });

  it('a candidate whose claim lost to a smaller holder of the same term follows', () => {
    const w = world();
    w.step('b', w.read(), 0);
    w.step('a', [], 0); // a read before b's claim was visible
    expect(w.step('b', w.read(), 2_000).state.role).toBe('follower');
    expect(w.step('a', w.read(), 2_000).state.role).toBe('leader');
  });

  it('a claim of the next term already expired hands the lease back at once', () => {
    const w = world();
    w.step('a', w.read(), 0);
    w.step('a', w.read(), 2_000);
    w.claims.push({ term: 2, holder: 'a', expires: 3_000 }); // a stops at 3 000
    const d = w.step('b', w.read(), 3_500);
    expect(d.write).toEqual({ term: 3, holder: 'b', expires: 13_500 });
  });
});
