/**
 * VigilError is every error Vigil means to show a user: a stable snake_case `code`, a sentence,
 * the HTTP status it maps to at the edge, and the offending field when there is one.
 * Anything that is not a VigilError is a bug: logged, and answered with a generic 500.
 */
export class VigilError extends Error {
  readonly code: string;
  readonly status: number;
  readonly field: string | undefined;
  readonly headers: Readonly<Record<string, string>> | undefined;

  constructor(
    code: string,
    message: string,
    opts: { status?: number; field?: string; cause?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = 'VigilError';
    this.code = code;
    this.status = opts.status ?? 400;
    this.field = opts.field;
    this.headers = opts.headers;
  }
}

export function isVigilError(e: unknown): e is VigilError {
  return e instanceof VigilError;
}

export function badRequest(field: string, message: string): VigilError {
  return new VigilError('invalid_request', `${field}: ${message}`, { status: 400, field });
}

export function notFound(what: string): VigilError {
  return new VigilError('not_found', `${what} not found`, { status: 404 });
}

/** errorMessage gives a printable message for any thrown value. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
