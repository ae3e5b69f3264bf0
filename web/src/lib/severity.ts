// Drift severity is shown as PSI because it means the same for numeric and categorical features
// and has bands practitioners know (< 0.1 stable, 0.1–0.25 moderate, > 0.25 major shift). The
// verdict of the feature's own method is drawn on top as an outline, so neither hides the other.

export const PSI_BANDS = [
  { upTo: 0.1, label: 'stable' },
  { upTo: 0.25, label: 'moderate' },
  { upTo: Number.POSITIVE_INFINITY, label: 'major' },
] as const;

const STOPS: Array<[number, [number, number, number]]> = [
  [0, [233, 241, 236]],
  [0.1, [252, 229, 150]],
  [0.25, [246, 160, 60]],
  [0.5, [214, 48, 39]],
  [1, [122, 22, 22]],
];

export function psiColor(psi: number | null | undefined): string {
  if (psi === null || psi === undefined || !Number.isFinite(psi)) return 'rgb(238, 240, 243)';
  const x = Math.max(0, psi);
  for (let i = 1; i < STOPS.length; i++) {
    const [x1, c1] = STOPS[i]!;
    const [x0, c0] = STOPS[i - 1]!;
    if (x <= x1) {
      const t = (x - x0) / (x1 - x0);
      const c = c0.map((v, k) => Math.round(v + (c1[k]! - v) * t));
      return `rgb(${c.join(', ')})`;
    }
  }
  return `rgb(${STOPS[STOPS.length - 1]![1].join(', ')})`;
}

export function psiBand(psi: number | null | undefined): string {
  if (psi === null || psi === undefined || !Number.isFinite(psi)) return 'no data';
  return PSI_BANDS.find((b) => psi < b.upTo)?.label ?? 'major';
}

/** Dark cells need light text. */
export function inkOn(psi: number | null | undefined): string {
  return psi !== null && psi !== undefined && psi >= 0.35 ? '#fff' : '#1b1f24';
}
