// __NAME__: a Vigil Labs prototype.
//
// Vigil runs this file in a sandboxed Node.js process: it may read files in this folder only
// (ship your model weights here), it cannot write files, start processes or open network
// connections, and each call has a time and memory budget. Keep state in module scope: the
// process is reused across calls (and replaced if it misbehaves).

/**
 * validate (optional) refuses inputs before score() runs: return true to accept, false or a
 * sentence to refuse. A refused call answers outcome "rejected" and does not count as a failure.
 */
export function validate(input) {
  if (typeof input !== 'object' || input === null) return 'input must be a JSON object';
  if (typeof input.text !== 'string') return 'input.text must be a string';
  return true;
}

/**
 * score answers one call. Return any JSON value.
 * - ctx.feature: the product feature that made the call.
 * - ctx.span(name, fn): times a part of the model; the report shows calls and time per part.
 * - ctx.query(view, params): read Vigil's data for your project through a named view
 *   ("models", "records" {model, limit}, "feature_stats" {model, feature}); raw SQL is refused.
 */
export async function score(input, ctx) {
  const words = ctx.span('tokenize', () => input.text.toLowerCase().split(/\W+/).filter(Boolean));
  const positive = new Set(['good', 'great', 'love', 'fast', 'nice']);
  const hits = ctx.span('score', () => words.filter((w) => positive.has(w)).length);
  return { label: hits > 0 ? 'positive' : 'neutral', score: words.length ? hits / words.length : 0 };
}
