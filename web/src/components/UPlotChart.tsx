import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { latestIndex } from '../lib/charts.js';

/** showLatest puts the latest values in the legend while the cursor is off the chart. */
function showLatest(u: uPlot): void {
  if (u.cursor.idx !== null && u.cursor.idx !== undefined) return;
  const idx = latestIndex(u.data as ReadonlyArray<ArrayLike<number | null>>);
  if (idx !== null) u.setLegend({ idx });
}

export type ChartOptions = Omit<uPlot.Options, 'width' | 'height'>;

interface Props {
  options: ChartOptions;
  data: uPlot.AlignedData;
  height: number;
  /** label names the chart for assistive tech and for the browser tests. */
  label: string;
}

/**
 * UPlotChart owns one uPlot instance: rebuilt when `options` change (callers memoise them),
 * fed new data in place otherwise, and resized with its container.
 */
export function UPlotChart({ options, data, height, label }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const fed = useRef(data);

  // Rebuilt on new options only: new data goes through setData below, keeping zoom and cursor.
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const width = Math.max(200, el.clientWidth);
    const u = new uPlot(
      {
        ...options,
        width,
        height,
        hooks: {
          ...options.hooks,
          ready: [...(options.hooks?.ready ?? []), showLatest],
          setCursor: [...(options.hooks?.setCursor ?? []), showLatest],
          setData: [...(options.hooks?.setData ?? []), showLatest],
          draw: [
            ...(options.hooks?.draw ?? []),
            () => {
              el.dataset['drawn'] = 'true';
            },
          ],
        },
      },
      data,
      el,
    );
    plot.current = u;
    fed.current = data;
    const ro = new ResizeObserver(() => {
      const w = Math.max(200, el.clientWidth);
      if (Math.abs(w - u.width) > 1) u.setSize({ width: w, height });
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
      delete el.dataset['drawn'];
    };
  }, [options, height]);

  useEffect(() => {
    if (fed.current === data) return;
    fed.current = data;
    plot.current?.setData(data);
  }, [data]);

  return <div class="chart" ref={box} role="img" aria-label={label} data-chart={label} />;
}
