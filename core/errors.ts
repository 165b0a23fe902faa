// One error class for the whole service. Codes read `type:surface`
// (e.g. `not_found:document`); the type decides the HTTP status and whether the
// message is safe to show to the user.
export type ErrorType =
  | "bad_request"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "payload_too_large"
  | "unsupported_media_type"
  | "unprocessable"
  | "rate_limit"
  | "unavailable"
  | "internal";

export type Surface =
  | "api"
  | "auth"
  | "chat"
  | "config"
  | "database"
  | "document"
  | "upload"
  | "parse"
  | "job"
  | "model"
  | "download"
  | "search"
  | "vectorstore";

export type ErrorCode = `${ErrorType}:${Surface}`;

const statusByType: Record<ErrorType, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  rate_limit: 429,
  unavailable: 503,
  internal: 500,
};

// Next.js bundles core/ once per route and for instrumentation.ts, and the loaded models live on
// globalThis (warm start): an error thrown by a model another bundle loaded must still be a CairnError here.
const BRAND = Symbol.for("cairn.CairnError");

export class CairnError extends Error {
  static [Symbol.hasInstance](value: unknown): boolean {
    if (this !== CairnError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === "object" && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
  }
  readonly [BRAND] = true;
  readonly type: ErrorType;
  readonly surface: Surface;
  readonly status: number;
  /** Machine-readable detail, e.g. `encrypted`, `checksum_mismatch`. */
  readonly reason?: string;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; reason?: string } = {}) {
    super(message, { cause: options.cause });
    const [type, surface] = code.split(":") as [ErrorType, Surface];
    this.name = "CairnError";
    this.type = type;
    this.surface = surface;
    this.status = statusByType[type];
    this.reason = options.reason;
  }

  get code(): ErrorCode {
    return `${this.type}:${this.surface}`;
  }

  /** Internal errors are logged, never shown: their message may leak paths or state. */
  get userMessage(): string {
    return this.type === "internal" ? "Something went wrong on the server." : this.message;
  }

  toJSON() {
    return { code: this.code, message: this.userMessage, ...(this.reason ? { reason: this.reason } : {}) };
  }
}

export function isCairnError(e: unknown): e is CairnError {
  return e instanceof CairnError;
}
