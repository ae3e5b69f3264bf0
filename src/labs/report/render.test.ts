import { describe, expect, it } from 'vitest';
import { computeReport, type ReportInputs } from './compute.js';
import { renderHtml } from './render-html.js';
import { renderMarkdown } from './render-md.js';

const inputs: ReportInputs = {
  enrolled: 3,
  active: 2,
  returning: 1,
  calls: 5,
  outcomes: { ok: 4, error: 1 },
  features: [['<i>f</i>', 5]],
  parts: [['rank | "x"', 4, 12]],
  latency: [5, 9, 9],
  invoked: 5,
  cpuMsTotal: 10,
  costTotal: 0.001,
  perUser: [
    { calls: 3, cost: 0.0006 },
    { calls: 2, cost: 0.0004 },
  ],
  spanDays: 1,
  feedback: {
    responses: 2,
    speedAnswers: 2,
    tooSlow: 1,
    importance: [0, 0, 0, 1, 1],
    usefulAnswers: 2,
    usefulYes: 2,
  },
};
const exp = { id: 'demo-abc123', name: 'Demo <b>', state: 'live' as const, owner: 'pm', description: '' };

describe('renderers', () => {
  const report = computeReport(inputs, { projectedCallsPerDay: 1000 });

  it('markdown starts with the summary sentence and escapes table cells', () => {
    const md = renderMarkdown(exp, report);
    expect(md.split('\n')[0]).toBe(report.summary);
    expect(md).toContain('| rank \\| "x" | 4 |');
  });

  it('html is self-contained: inline SVG charts, no script, every name escaped', () => {
    const html = renderHtml(exp, report, '2026-11-29T00:00:00.000Z');
    expect(html.match(/<svg /g)).toHaveLength(7);
    expect(html).not.toMatch(/<script|<link|src=|href=/i);
    expect(html).toContain('&#60;i&#62;f&#60;/i&#62;');
    expect(html).toContain('Demo &#60;b&#62;');
    expect(html.indexOf(report.summary.slice(0, 20))).toBeLessThan(html.indexOf('<svg'));
  });
});
