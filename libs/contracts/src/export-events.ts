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

/** Event name to payload, for typed socket subscribers: `socket.on(name, (payload: ExportEventMap[typeof name]) => …)`. */
export interface ExportEventMap {
  'export:progress': ExportProgressPayload;
  'export:complete': ExportCompletePayload;
  'export:failed': ExportFailedPayload;
  'export:cancelled': ExportCancelledPayload;
  'export:waiting': ExportWaitingPayload;
  'export:resumed': ExportResumedPayload;
}

export type ExportEventName = keyof ExportEventMap;
