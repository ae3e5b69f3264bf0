import { useEffect } from 'preact/hooks';

/**
 * usePageReady marks `vigil:<name>:drawn` in the Performance timeline once a page's data is in
 * and its charts have painted: the browser test reads it to measure load time from navigation
 * start, and <html data-ready> lets it wait without polling the DOM for charts.
 */
export function usePageReady(name: string, ready: boolean, opts: { attribute?: boolean } = {}): void {
  const attribute = opts.attribute ?? true;
  useEffect(() => {
    if (!ready) return;
    const mark = `vigil:${name}:drawn`;
    // Two frames: the first runs before paint, the second after the frame with the charts.
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        if (performance.getEntriesByName(mark).length === 0) performance.mark(mark);
        if (attribute) document.documentElement.dataset['ready'] = name;
      }),
    );
  }, [name, ready, attribute]);
}
