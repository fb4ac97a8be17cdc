import type { ExportCheckpoint } from '../export-job.entity';
import type { ExportErrorRecord } from './media-fetcher';
import type { WorkFolder } from './work-folder';

/**
 * One line per collection that ended short of what the platform said it holds and gave a reason for
 * stopping (a repeated page cursor, a list that could not be read on): "subscriptions: 30 of 130 items
 * could not be collected (…)". These go where a user looks (the export's status, `export:complete`,
 * the manifest), not only into errors.json. A collection cut by `maxRecords` is not short, and an
 * estimate that was merely generous, with no reason given, is not reported as a loss.
 */
export async function shortfallWarnings(folder: WorkFolder, checkpoints: ExportCheckpoint[], maxRecords?: number): Promise<string[]> {
  const collected = checkpoints.reduce((sum, checkpoint) => sum + checkpoint.itemCount, 0);
  if (maxRecords !== undefined && collected >= maxRecords) return [];
  const lines: string[] = [];
  for (const checkpoint of checkpoints) {
    const expected = checkpoint.totalEstimate;
    if (expected === null || checkpoint.itemCount >= expected) continue;
    const reasons = new Set<string>();
    for await (const record of folder.spool(checkpoint.collection, 'errors', checkpoint.spoolAttempt).records<ExportErrorRecord>()) {
      if (record.itemId === undefined && record.url === undefined) reasons.add(record.reason);
    }
    if (reasons.size === 0) continue;
    const missing = expected - checkpoint.itemCount;
    lines.push(
      `${checkpoint.collection}: ${missing} of ${expected} item${expected === 1 ? '' : 's'} could not be collected (${[...reasons].join('; ')})`,
    );
  }
  return lines;
}
