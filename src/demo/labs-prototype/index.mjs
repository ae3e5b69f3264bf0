// The demo workspace's Labs prototype, "case-summarizer": a stand-in for an LLM that summarises a
// case in a review queue. Its parts (retrieve, generate, rerank) take time in proportion to the
// case's length, so the Labs report has usage per part; a case marked `corrupt` fails and an
// empty one is refused, so the report shows every outcome Labs handles.

function busy(ms) {
  const end = performance.now() + ms;
  while (performance.now() < end) {}
}

export function validate(input) {
  if (typeof input !== 'object' || input === null) return 'input must be a JSON object';
  if (typeof input.words !== 'number' || input.words <= 0) return 'the case has no text to summarise';
  return true;
}

export function score(input, ctx) {
  if (input.corrupt === true) throw new Error('the case file could not be parsed');
  const passages = ctx.span('retrieve', () => {
    busy(0.5);
    return Math.min(8, Math.ceil(input.words / 120));
  });
  const summary = ctx.span('generate', () => {
    busy(Math.min(6, input.words / 300));
    return `${passages} passages, ${input.words} words`;
  });
  if (ctx.feature === 'ask a question') ctx.span('rerank', () => busy(0.5));
  return { summary };
}
