import type { Monitor } from './monitor-spec.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** PublicNotifyTarget is a receiver as reads show it: the secret is write-only. */
export interface PublicNotifyTarget {
  url: string;
  format?: 'json' | 'slack' | undefined;
  /** Whether a signing secret is set (the secret itself is shown only in the creation answer). */
  has_secret: boolean;
}

/** PublicMonitor is a monitor as answers show it: times as RFC 3339 UTC, secrets redacted. */
export type PublicMonitor = Omit<Monitor, 'baseline' | 'notify' | 'created' | 'updated'> & {
  baseline: Exclude<Monitor['baseline'], { from: number }> | { from: string; to: string };
  notify: Array<PublicNotifyTarget & { secret?: string }>;
  created: string;
  updated: string;
};

/**
 * publicMonitor is a monitor as every answer shows it (API.md, Monitors and alerts): times
 * as RFC 3339 UTC, and webhook secrets redacted (`has_secret` instead) — for every role. Only
 * the answer to the creation itself may carry the secret once (`revealSecrets`).
 */
export function publicMonitor(m: Monitor, opts: { revealSecrets?: boolean } = {}): PublicMonitor {
  const baseline =
    typeof m.baseline === 'object' && 'from' in m.baseline
      ? { from: iso(m.baseline.from), to: iso(m.baseline.to) }
      : m.baseline;
  return {
    ...m,
    baseline,
    notify: m.notify.map((t) => ({
      url: t.url,
      ...(t.format === undefined ? {} : { format: t.format }),
      ...(opts.revealSecrets && t.secret !== undefined ? { secret: t.secret } : {}),
      has_secret: t.secret !== undefined,
    })),
    created: iso(m.created),
    updated: iso(m.updated),
  };
}
