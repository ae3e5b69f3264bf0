/**
 * SourceStatus is how one invocation of a prototype ended, as seen by the gateway:
 * ok (a valid answer), rejected (the prototype's validate() refused the input), error (threw,
 * crashed, ran out of memory, answered garbage or an HTTP error), timeout, or aborted (the
 * kill switch or a shutdown cut it short).
 */
export type SourceStatus = 'ok' | 'rejected' | 'error' | 'timeout' | 'aborted';

export interface SourceResult {
  status: SourceStatus;
  /** reason is a stable code for telemetry: ok, invalid_input, threw, crashed, out_of_memory, … */
  reason: string;
  /** message is a sentence for the caller; it is never stored (it may quote the payload). */
  message: string;
  /** outputJson is the answer as JSON text (status ok only). */
  outputJson?: string;
  /** invoked: the input reached the prototype (waiting for a free worker and failing is not). */
  invoked: boolean;
  cpuMs: number;
  peakMb: number;
  /** spans are the model parts the call ran: [name, total ms]. */
  spans: Array<[string, number]>;
}

export interface InvokeRequest {
  input: unknown;
  /** inputJson is `input` serialised once by the gateway (one line, size already checked). */
  inputJson: string;
  feature: string;
  /** deadline is a performance.now() instant; the call is answered by then whatever happens. */
  deadline: number;
  signal: AbortSignal;
}

/** PredictSource is one way of running a prototype: a pool of sandboxed children, or HTTP. */
export interface PredictSource {
  readonly kind: 'module' | 'http';
  invoke(req: InvokeRequest): Promise<SourceResult>;
  /** warm starts what the first call would otherwise wait for. */
  warm(): void;
  /** close stops everything at once; in-flight invocations resolve as aborted. */
  close(): Promise<void>;
}

/** QueryHandler runs a prototype's ctx.query(view, params) for its experiment's project. */
export type QueryHandler = (view: string, params: unknown, deadline: number) => Promise<unknown[]>;

/** failed builds the result of an invocation that did not produce an answer. */
export function failed(
  status: Exclude<SourceStatus, 'ok'>,
  reason: string,
  message: string,
  invoked: boolean,
  usage: { cpuMs?: number; peakMb?: number } = {},
): SourceResult {
  return { status, reason, message, invoked, cpuMs: usage.cpuMs ?? 0, peakMb: usage.peakMb ?? 0, spans: [] };
}
