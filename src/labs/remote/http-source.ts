import { type OutboundGuard, OutboundRefused } from '../../shared/index.js';
import type { HttpSource as HttpSourceConfig } from '../experiment.js';
import { failed, type InvokeRequest, type PredictSource, type SourceResult } from '../source.js';
import { fromV2Response, toV2Request } from './oip-v2.js';

/**
 * HttpModelSource calls a remote model server (any language, e.g. a container in Kubernetes)
 * with a plain JSON body (the input; the answer is the output) or an Open Inference Protocol
 * v2 request (`source.url` is the full …/v2/models/NAME/infer URL). Every call is bounded by
 * the deadline, the answer's size is capped while it streams in, and its shape is checked.
 * A remote call's compute is not observable from here: it is billed as one core busy for the
 * call's wall time (cpu_ms = latency), documented in docs/labs.md.
 *
 * Every call goes through the outbound guard (src/shared/outbound-url.ts): the host is resolved
 * and checked on each call and the connection made to the checked address only, redirects are
 * not followed, and an upstream error answer's body is never read, let alone shown: the caller
 * learns the status code only.
 */
export class HttpModelSource implements PredictSource {
  readonly kind = 'http' as const;
  readonly #config: HttpSourceConfig;
  readonly #maxOutputBytes: number;
  readonly #inflight = new Set<AbortController>();
  readonly #outbound: OutboundGuard;

  constructor(config: HttpSourceConfig, opts: { maxOutputBytes: number; outbound: OutboundGuard }) {
    this.#config = config;
    this.#maxOutputBytes = opts.maxOutputBytes;
    this.#outbound = opts.outbound;
  }

  warm(): void {}

  async close(): Promise<void> {
    for (const ac of this.#inflight) ac.abort('aborted');
  }

  async invoke(req: InvokeRequest): Promise<SourceResult> {
    let body = req.inputJson;
    if (this.#config.protocol === 'v2') {
      const v2 = toV2Request(req.input);
      if ('error' in v2) return failed('rejected', 'invalid_input', v2.error, false);
      body = JSON.stringify(v2.body);
    }
    const ac = new AbortController();
    const onAbort = () => ac.abort('aborted');
    if (req.signal.aborted) return failed('aborted', 'aborted', 'the call was cut short', false);
    req.signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => ac.abort('timeout'), Math.max(0, req.deadline - performance.now()));
    this.#inflight.add(ac);
    const started = performance.now();
    const usage = () => ({ cpuMs: performance.now() - started, peakMb: 0 });
    try {
      const res = await this.#outbound.fetch(this.#config.url, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        signal: ac.signal,
      });
      if (res.status >= 300 && res.status < 400) {
        await res.body?.cancel().catch(() => {});
        return failed(
          'error',
          'http_status',
          `the model server answered HTTP ${res.status} (a redirect); redirects are not followed`,
          true,
          usage(),
        );
      }
      if (!res.ok) {
        await res.body?.cancel().catch(() => {});
        return failed('error', 'http_status', `the model server answered HTTP ${res.status}`, true, usage());
      }
      const text = await readCapped(res, this.#maxOutputBytes * 4);
      if (text === null)
        return failed(
          'error',
          'invalid_output',
          'the model server answered more than allowed',
          true,
          usage(),
        );
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return failed(
          'error',
          'invalid_output',
          'the model server answered something that is not JSON',
          true,
          usage(),
        );
      }
      let output = parsed;
      if (this.#config.protocol === 'v2') {
        const out = fromV2Response(parsed);
        if ('error' in out)
          return failed('error', 'invalid_output', `v2 answer: ${out.error}`, true, usage());
        output = out.output;
      }
      const outputJson = JSON.stringify(output);
      if (Buffer.byteLength(outputJson) > this.#maxOutputBytes)
        return failed(
          'error',
          'invalid_output',
          `the answer is larger than ${this.#maxOutputBytes} bytes`,
          true,
          usage(),
        );
      return { status: 'ok', reason: 'ok', message: '', outputJson, invoked: true, ...usage(), spans: [] };
    } catch (e) {
      if (ac.signal.aborted && ac.signal.reason === 'timeout')
        return failed('timeout', 'timeout', 'the model server did not answer in time', true, usage());
      if (ac.signal.aborted) return failed('aborted', 'aborted', 'the call was cut short', true, usage());
      if (e instanceof OutboundRefused)
        return failed('error', 'forbidden_address', `source.url: ${e.message}`, false, usage());
      const cause =
        (e as { code?: string }).code ?? (e as { cause?: { code?: string } }).cause?.code ?? 'failed';
      return failed(
        'error',
        'unreachable',
        `the model server could not be reached (${cause})`,
        true,
        usage(),
      );
    } finally {
      clearTimeout(timer);
      req.signal.removeEventListener('abort', onAbort);
      this.#inflight.delete(ac);
    }
  }
}

/** readCapped reads a body as text, or null once it passes `cap` bytes (and stops reading). */
async function readCapped(res: Response, cap: number): Promise<string | null> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > cap) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
