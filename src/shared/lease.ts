/**
 * A lease lets one of several `vigil serve` nodes run scheduled work (monitor evaluation, view
 * warming) at a time. This file is the pure decision: given the claims read from the store, the
 * node's own state and the time, what the node is now and what (if anything) it writes. The
 * store part is a table of claims (store/queries/leases.ts); the timer is server/lease-keeper.ts.
 *
 * A claim is (term, holder, expires). The lease's current term is the largest term claimed; its
 * holder is the smallest holder id among that term's claims (a deterministic pick, so every node
 * reading the same claims names the same winner); it is valid until that holder's latest
 * `expires`.
 *
 * - A follower that finds the lease expired (or never taken) claims term + 1 and becomes a
 *   candidate. It does not act yet: two nodes may have claimed the same term at once, each
 *   before seeing the other's claim.
 * - A candidate reads the claims again at least `settleMs` later (one tick). By then every claim
 *   written before its own first read is visible (writes are acknowledged only once stored), so
 *   all contenders see the same claims and the same winner: the winner becomes leader, the
 *   others followers. A contender would have to take longer than `settleMs` between its read and
 *   its write to slip past; the keeper's settle is a full tick, many times an insert's latency.
 * - A leader renews its claim (same term, later expiry) on every tick. It steps down as soon as
 *   it reads a larger term or a smaller holder on its term, and it counts itself leader only
 *   until the expiry it last wrote: a leader that cannot reach the store stops acting before
 *   anyone else may take over.
 */

export interface LeaseClaim {
  term: number;
  holder: string;
  expires: number;
}

export type LeaseRole = 'follower' | 'candidate' | 'leader';

export interface LeaseState {
  role: LeaseRole;
  /** term: the term claimed (candidate) or held (leader); 0 for a follower. */
  term: number;
  /** since: when the candidate claimed. */
  since: number;
  /** expires: the expiry of the leader's latest renewal. */
  expires: number;
}

export interface LeaseTiming {
  /** ttlMs: how long a claim or renewal holds the lease. */
  ttlMs: number;
  /** settleMs: how long a candidate waits before reading the claims again to learn the winner. */
  settleMs: number;
}

export interface LeaseDecision {
  state: LeaseState;
  /** write: the claim to store now (a claim of a new term, or a leader's renewal), or null. */
  write: LeaseClaim | null;
}

export const FOLLOWER: LeaseState = { role: 'follower', term: 0, since: 0, expires: 0 };

/** leaseWinner: the current term's holder and its expiry, or null when nobody ever claimed. */
export function leaseWinner(claims: readonly LeaseClaim[]): LeaseClaim | null {
  let term = -1;
  for (const c of claims) if (c.term > term) term = c.term;
  let winner: LeaseClaim | null = null;
  for (const c of claims) {
    if (c.term !== term) continue;
    if (winner === null || c.holder < winner.holder) winner = { ...c };
    else if (c.holder === winner.holder && c.expires > winner.expires) winner.expires = c.expires;
  }
  return winner;
}

/** leaseStep decides what node `me` is after reading `claims` at `now`, and what it writes. */
export function leaseStep(
  state: LeaseState,
  claims: readonly LeaseClaim[],
  me: string,
  now: number,
  timing: LeaseTiming,
): LeaseDecision {
  const w = leaseWinner(claims);
  const valid = w !== null && w.expires > now;
  const claim = (): LeaseDecision => {
    const term = (w?.term ?? 0) + 1;
    return {
      state: { role: 'candidate', term, since: now, expires: 0 },
      write: { term, holder: me, expires: now + timing.ttlMs },
    };
  };
  const lead = (term: number): LeaseDecision => ({
    state: { role: 'leader', term, since: state.since, expires: now + timing.ttlMs },
    write: { term, holder: me, expires: now + timing.ttlMs },
  });

  if (state.role === 'candidate') {
    if (w !== null && w.term === state.term && w.holder === me) {
      if (!valid) return claim(); // our claim ran out before we could confirm it (a stalled node)
      if (now - state.since >= timing.settleMs) return lead(state.term);
      return { state, write: null };
    }
    if (valid) return { state: FOLLOWER, write: null };
    // Our claim is not visible (or lost to an expired one): try again.
    return claim();
  }
  if (!valid) return claim();
  if (w.holder === me && state.role === 'leader' && w.term === state.term) return lead(state.term);
  // Someone else holds the lease, or a claim of ours from an earlier life that this state did
  // not make (never acted on: let it run out).
  return { state: FOLLOWER, write: null };
}

/** leaseHeld: the node may act as the lease holder at `now`. */
export function leaseHeld(state: LeaseState, now: number): boolean {
  return state.role === 'leader' && now < state.expires;
}
