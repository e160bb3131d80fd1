/**
 * An error a client sees: an HTTP status, a stable snake_case code and one
 * line of message. Every route and hook throws these; the server's error
 * handler turns them (and fastify's own errors) into
 * `{"error": {"code", "message"}}` and never sends a stack trace.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra fields for the error object (e.g. admission reasons). */
    readonly extra?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
  }
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, "bad_request", message);
}

export function notFound(what: string): ApiError {
  return new ApiError(404, "not_found", `${what} not found`);
}

export function forbidden(message: string): ApiError {
  return new ApiError(403, "forbidden", message);
}
