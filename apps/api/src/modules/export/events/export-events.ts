/** What subscribers receive, exactly as the API spec names and shapes the socket events. */
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
}

export interface ExportFailedPayload {
  jobId: string;
  platform: string;
  error: string;
  code: string;
}

export interface ExportCancelledPayload {
  jobId: string;
  platform: string;
}

export interface ExportEventMap {
  'export:progress': ExportProgressPayload;
  'export:complete': ExportCompletePayload;
  'export:failed': ExportFailedPayload;
  'export:cancelled': ExportCancelledPayload;
}

export type ExportEventName = keyof ExportEventMap;

/** An event for one user's subscribers. */
export interface UserEvent<K extends ExportEventName = ExportEventName> {
  userId: string;
  name: K;
  payload: ExportEventMap[K];
}

/** Internal: ask whichever instance runs an export to stop it now. */
export interface CancelRequest {
  exportId: string;
}
