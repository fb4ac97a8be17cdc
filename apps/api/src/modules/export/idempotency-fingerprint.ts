import { createHash } from 'node:crypto';
import { HttpStatus } from '@nestjs/common';
import { ErrorCode } from '@app/contracts';
import { ApiError } from '../../common/api-error';
import type { ExportOptions } from '@app/contracts';

/** What a start request asks for, once validated: the part an Idempotency-Key is bound to. */
export interface FingerprintedRequest {
  platform: string;
  format: string;
  /** As stored: plain JSON, unset options (null) left out. */
  options: ExportOptions;
}

/**
 * sha256 of the request in canonical JSON (keys sorted at every level), so key order or a `null`
 * option dropped on the way does not make the same request look different.
 */
export function requestFingerprint(request: FingerprintedRequest): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex');
}

/**
 * The earlier export may be returned only for the very request it was started with. A key reused with
 * another body is a client bug, answered 422 as the IETF Idempotency-Key header draft
 * (draft-ietf-httpapi-idempotency-key-header) describes, rather than silently returning an export of
 * something else. Exports stored before fingerprints existed (null) match any body.
 */
export function assertSameRequest<T extends { idempotencyFingerprint: string | null }>(previous: T, fingerprint: string): T {
  if (previous.idempotencyFingerprint !== null && previous.idempotencyFingerprint !== fingerprint) {
    throw new ApiError(
      HttpStatus.UNPROCESSABLE_ENTITY,
      ErrorCode.IDEMPOTENCY_KEY_REUSED,
      'This Idempotency-Key was already used for a different export request; use a new key for a new request',
    );
  }
  return previous;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, child]) => child !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, child]) => `${JSON.stringify(key)}:${canonicalJson(child)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
