/** Sparkline is a small SVG area of a series; gaps (null) break the line. */
export function Sparkline(props: {
  values: ReadonlyArray<number | null>;
  width?: number;
  height?: number;
  label: string;
}) {
  const w = props.width ?? 160;
  const h = props.height ?? 28;
  const vals = props.values;
  const finite = vals.filter((v): v is number => v !== null && Number.isFinite(v));
  const max = Math.max(1e-9, ...finite);
  const step = vals.length > 1 ? w / (vals.length - 1) : w;
  const y = (v: number) => h - 1 - (v / max) * (h - 3);
  let line = '';
  let pen = false;
  vals.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      pen = false;
      return;
    }
    line += `${pen ? 'L' : 'M'}${(i * step).toFixed(1)},${y(v).toFixed(1)}`;
    pen = true;
  });
  const area = finite.length > 1 ? `${line}L${((vals.length - 1) * step).toFixed(1)},${h}L0,${h}Z` : '';
  return (
    <svg class="sparkline" width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img" aria-label={props.label}>
      <title>{props.label}</title>
      {area ? <path d={area} class="spark-area" /> : null}
      <path d={line} class="spark-line" />
    </svg>
  );
}
