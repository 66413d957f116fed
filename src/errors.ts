/**
 * The closed set of error codes, each with its HTTP status and problem title.
 * This is the one code→status table: routes throw AppError and the error
 * handler turns it into an `application/problem+json` response.
 */
export const ERROR_CODES = {
  unauthenticated: { status: 401, title: 'Authentication required' },
  forbidden: { status: 403, title: 'Not allowed for your role' },
  form_rejected: { status: 403, title: 'Form not accepted' },
  not_found: { status: 404, title: 'Not found' },
  malformed_body: { status: 400, title: 'Malformed request body' },
  empty_file: { status: 400, title: 'Empty file' },
  payload_too_large: { status: 413, title: 'Request body too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported content type' },
  invalid_input: { status: 422, title: 'Invalid input' },
  event_not_allowed: { status: 409, title: 'Event not allowed in this state' },
  guard_refused: { status: 409, title: 'Step not possible yet' },
  conflict: { status: 409, title: 'Conflicting change' },
  evidence_frozen: { status: 409, title: 'Evidence is frozen in this state' },
  snapshot_incompatible: { status: 409, title: 'Stored application state is incompatible with this version' },
  embedded_database_in_use: { status: 503, title: 'Embedded database in use' },
  internal: { status: 500, title: 'Internal error' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The one error type of the domain and the HTTP layer; `detail` is shown to the client, so it never carries secrets. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly detail: string;
  readonly extra: Record<string, unknown>;

  constructor(code: ErrorCode, detail: string, extra: Record<string, unknown> = {}) {
    super(detail);
    this.name = 'AppError';
    this.code = code;
    this.detail = detail;
    this.extra = extra;
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }

  get title(): string {
    return ERROR_CODES[this.code].title;
  }

  static notFound(kind: string, id: string): AppError {
    return new AppError('not_found', `No ${kind} with id "${id}" exists, or you may not see it. Check the id.`);
  }

  static forbidden(detail: string): AppError {
    return new AppError('forbidden', detail);
  }

  static invalid(detail: string, extra: Record<string, unknown> = {}): AppError {
    return new AppError('invalid_input', detail, extra);
  }
}

/** The body of an `application/problem+json` response (RFC 9457). */
export type Problem = { type: string; title: string; status: number; detail: string; code: ErrorCode } & Record<string, unknown>;

export function toProblem(error: AppError): Problem {
  return {
    type: `urn:waymark:problem:${error.code}`,
    title: error.title,
    status: error.status,
    detail: error.detail,
    code: error.code,
    ...error.extra,
  };
}
