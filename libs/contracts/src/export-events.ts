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

export interface ExportCancelledPayload {
  jobId: string;
  platform: string;
}

/** Event name to payload, for typed socket subscribers: `socket.on(name, (payload: ExportEventMap[typeof name]) => …)`. */
export interface ExportEventMap {
  'export:progress': ExportProgressPayload;
  'export:complete': ExportCompletePayload;
  'export:failed': ExportFailedPayload;
  'export:cancelled': ExportCancelledPayload;
}

export type ExportEventName = keyof ExportEventMap;
