/** Error codes of the API contract; clients switch on these, never on messages. */
export const ErrorCode = {
  AUTH_REQUIRED: 'AUTH_REQUIRED',
  INVALID_TOKEN: 'INVALID_TOKEN',
  INVALID_CREDENTIALS: 'INVALID_CREDENTIALS',
  EMAIL_TAKEN: 'EMAIL_TAKEN',
  ACCOUNT_EXISTS_LINK_REQUIRED: 'ACCOUNT_EXISTS_LINK_REQUIRED',
  PROVIDER_NOT_CONFIGURED: 'PROVIDER_NOT_CONFIGURED',
  PLATFORM_NOT_FOUND: 'PLATFORM_NOT_FOUND',
  PLATFORM_NOT_CONNECTED: 'PLATFORM_NOT_CONNECTED',
  PLATFORM_TOKEN_REJECTED: 'PLATFORM_TOKEN_REJECTED',
  EXPORT_NOT_FOUND: 'EXPORT_NOT_FOUND',
  EXPORT_NOT_READY: 'EXPORT_NOT_READY',
  EXPORT_FAILED: 'EXPORT_FAILED',
  EXPORT_ALREADY_FINISHED: 'EXPORT_ALREADY_FINISHED',
  EXPORT_EXPIRED: 'EXPORT_EXPIRED',
  TOO_MANY_EXPORTS: 'TOO_MANY_EXPORTS',
  IDEMPOTENCY_KEY_REUSED: 'IDEMPOTENCY_KEY_REUSED',
  RATE_LIMIT_EXCEEDED: 'RATE_LIMIT_EXCEEDED',
  QUOTA_EXCEEDED: 'QUOTA_EXCEEDED',
  INVALID_FORMAT: 'INVALID_FORMAT',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** 400: an uploaded platform archive cannot be imported; the message says why (not a ZIP, a zip bomb, …). */
  INVALID_ARCHIVE: 'INVALID_ARCHIVE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  FORBIDDEN: 'FORBIDDEN',
  BAD_GATEWAY: 'BAD_GATEWAY',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  /** 503: the server's export storage has no room for a new export right now. */
  STORAGE_FULL: 'STORAGE_FULL',
  INTERNAL_ERROR: 'INTERNAL_ERROR',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The error envelope every failed request answers with. */
export interface ErrorEnvelope {
  success: false;
  error: string;
  code: ErrorCode;
  details?: ValidationDetail[];
}

export interface ValidationDetail {
  field: string;
  messages: string[];
}

/** The success envelope every successful JSON request answers with. */
export interface SuccessEnvelope<T> {
  success: true;
  data?: T;
  message?: string;
}
