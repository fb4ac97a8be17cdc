import type { ExportCheckpoint } from '../export-job.entity';

export interface ProgressFields {
  processedItems: number;
  totalItems: number | null;
  progress: number;
  estimatedCompletion: Date | null;
}

/**
 * Where the pipeline keeps its checkpoints (ExportJobRepository). A save writes the checkpoint and the
 * progress together and is fenced by the attempt number: a worker whose lock was taken over (or whose
 * export was cancelled) has its save refused and must stop.
 */
export interface CheckpointStore {
  loadCheckpoints(exportId: string): Promise<ExportCheckpoint[]>;
  saveCheckpoint(exportId: string, attempt: number, checkpoint: ExportCheckpoint, progress: ProgressFields): Promise<void>;
}
