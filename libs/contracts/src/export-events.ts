import type { WaitReason } from './exports';

/** The socket events of an export, exactly as the API spec names and shapes them. */
export interface ExportProgressPayload {
  jobId: string;
  platform: string;
  progress: number;
  processedItems: number;
  totalItems: number | null;
}

export interface ExportCompletePayload {
  jobId: string;
  platform: string;
  downloadUrl: string;
  /** What could not be exported and why, as the manifest lists it (counts of skipped items); empty when nothing was. */
  warnings: string[];
}

export interface ExportFailedPayload {
  jobId: string;
  platform: string;
  error: string;
  code: string;
}

/** The export stopped moving for a while (a rate limit, the platform down, a spent quota, full storage, a restart). */
export interface ExportWaitingPayload {
  jobId: string;
  platform: string;
  waitReason: WaitReason;
  /** When it goes on by itself (ISO 8601). */
  resumeAt: string;
}

/** The export is moving again after `export:waiting`. */
export interface ExportResumedPayload {
  jobId: string;
  platform: string;
}

export interface ExportCancelledPayload {
  jobId: string;
  platform: string;
}

/**
 * An archive upload to `POST /api/export/import` is arriving: sent to the uploader's sockets about every
 * percent while the file streams to disk, before the export exists (the answer carries its jobId).
 */
export interface ImportUploadPayload {
  /** The upload's own id, the same in every event of one upload. */
  uploadId: string;
  fileName: string;
  receivedBytes: number;
  /** From the request's Content-Length (the whole multipart body), null when the client sent none. */
  totalBytes: number | null;
}

/** Event name to payload, for typed socket subscribers: `socket.on(name, (payload: ExportEventMap[typeof name]) => …)`. */
export interface ExportEventMap {
  'export:progress': ExportProgressPayload;
  'export:complete': ExportCompletePayload;
  'export:failed': ExportFailedPayload;
  'export:cancelled': ExportCancelledPayload;
  'export:waiting': ExportWaitingPayload;
  'export:resumed': ExportResumedPayload;
}

/** What the server sends to one user's sockets: the export events and the upload progress of an import. */
export interface UserEventMap extends ExportEventMap {
  'import:upload': ImportUploadPayload;
}

export type UserEventName = keyof UserEventMap;

export type ExportEventName = keyof ExportEventMap;

/**
 * Sent to a socket before its access token expires (a minute before, or halfway for shorter
 * tokens). Answer with `auth:refresh` and a new access token from POST /api/auth/refresh to keep
 * the socket; otherwise the server disconnects it at `expiresAt`.
 */
export interface AuthExpiringPayload {
  /** When the socket's access token expires, ISO 8601. */
  expiresAt: string;
}

/** The `auth:refresh` message a client sends (with an acknowledgement callback) to swap its token. */
export interface AuthRefreshRequest {
  token: string;
}

/** The acknowledgement of `auth:refresh`: the new expiry, or why the token was refused (the socket stays as it was). */
export type AuthRefreshAck = { ok: true; expiresAt: string } | { ok: false; code: 'AUTH_REQUIRED' | 'INVALID_TOKEN' };

/** Every event the server emits on a socket: the export events and the expiry warning. */
export interface ServerToClientEventMap extends UserEventMap {
  'auth:expiring': AuthExpiringPayload;
}

/**
 * Why a handshake is refused, as `connect_error`'s `message`: no `auth.token` (AUTH_REQUIRED), a token
 * that is not a valid access token (INVALID_TOKEN), or the user's socket cap reached.
 */
export type SocketRefusal = 'AUTH_REQUIRED' | 'INVALID_TOKEN' | 'TOO_MANY_CONNECTIONS';
