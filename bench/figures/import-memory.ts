import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ExportEvents } from '../lib/api';
import { uploadArchive } from '../lib/archive-upload';
import type { BenchContext } from '../lib/context';
import { bootService } from '../lib/context';
import { awaitExport } from '../lib/export-run';
import { PeakRssWatch } from '../lib/proc';
import { ratio } from '../lib/stats';
import { writeXArchive, type GeneratedArchive } from '../lib/x-archive-generator';

export interface ImportRun {
  archiveBytes: number;
  posts: number;
  mediaFiles: number;
  /** RSS just before the upload started. */
  startRssBytes: number;
  /** Peak RSS from the first byte of the upload to export:complete: VmHWM reset at the start, else the highest 50 ms sample. */
  peakRssBytes: number;
  sampledPeakRssBytes: number;
  /** The upload, until the service answered with the job. */
  uploadMs: number;
  /** The upload and the import, to export:complete. */
  ms: number;
}

export interface ImportMemoryResult {
  method: 'VmHWM' | 'sampled';
  small: ImportRun;
  big: ImportRun;
  /** peak(big) ÷ peak(small). */
  ratio: number;
}

/** Time enough for a slow disk: 2 MiB/s and 200 posts/s, plus a minute. */
const importTimeoutMs = (archive: GeneratedArchive): number => 60_000 + (archive.bytes / 2 ** 21) * 1_000 + (archive.posts / 200) * 1_000;

/**
 * Figure 7: peak RSS of one fresh service process while it imports a small X archive, then a big one
 * of the same shape (stored media and one big tweets.js), each uploaded through the real multipart
 * route with its media, after one unmeasured import of the small one. Both archives are generated onto
 * disk before the service starts.
 */
export async function importMemoryFigure(ctx: BenchContext, sizes: { small: number; big: number }): Promise<ImportMemoryResult> {
  const archives: GeneratedArchive[] = [];
  try {
    for (const [label, bytes] of [
      ['small', sizes.small],
      ['big', sizes.big],
    ] as const) {
      const started = Date.now();
      const archive = await writeXArchive(join(ctx.workDir, `import-${label}.zip`), bytes);
      archives.push(archive);
      ctx.log(`  generated a ${(archive.bytes / 2 ** 20).toFixed(0)} MiB X archive: ${archive.posts} posts, ${archive.mediaFiles} media files (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    }
    const running = await bootService(ctx, 'import');
    let method: ImportMemoryResult['method'] = 'VmHWM';
    try {
      const measure = async (archive: GeneratedArchive): Promise<ImportRun> => {
        const user = await running.api.register('import');
        const events = await ExportEvents.open(running.service.url, user.token);
        try {
          const watch = new PeakRssWatch(running.service.pid, 50);
          if (watch.method === 'sampled') method = 'sampled';
          const started = Date.now();
          const answer = await uploadArchive(running.service.url, user.token, archive.path, {
            format: 'json',
            platform: 'twitter',
            options: JSON.stringify({ collections: ['tweets'], includeMedia: true }),
          });
          const uploadMs = Date.now() - started;
          if (answer.status !== 201) {
            watch.stop();
            throw new Error(`import upload: HTTP ${answer.status} ${answer.text.slice(0, 300)}`);
          }
          const jobId = answer.body.data.jobId;
          const end = await awaitExport(running.api, events, user, jobId, importTimeoutMs(archive));
          const { peakRssBytes, sampledPeakRssBytes } = watch.stop();
          if (end.state.status !== 'completed') throw new Error(`import ${jobId} ${end.state.status}: ${JSON.stringify(end.state.error)}`);
          if (end.state.processedItems !== archive.posts) throw new Error(`import ${jobId} has ${end.state.processedItems} posts, expected ${archive.posts}`);
          // The media are stored in the export as they were in the archive: an export smaller than them lost some.
          const exportBytes = typeof end.state.fileSize === 'number' ? end.state.fileSize : 0;
          if (exportBytes < archive.mediaBytes) throw new Error(`import ${jobId} wrote a ${exportBytes}-byte export, smaller than the archive's ${archive.mediaBytes} bytes of media`);
          const ms = end.at - started;
          ctx.log(
            `  ${(archive.bytes / 2 ** 20).toFixed(0)} MiB: peak RSS ${(peakRssBytes / 2 ** 20).toFixed(0)} MiB (start ${(watch.startRssBytes / 2 ** 20).toFixed(0)} MiB), upload ${(uploadMs / 1000).toFixed(1)} s, import ${(ms / 1000).toFixed(1)} s`,
          );
          return { archiveBytes: archive.bytes, posts: archive.posts, mediaFiles: archive.mediaFiles, startRssBytes: watch.startRssBytes, peakRssBytes, sampledPeakRssBytes, uploadMs, ms };
        } finally {
          events.close();
        }
      };
      // A fresh process gives back its start-up memory (the embedded PostgreSQL's, the migrations') only
      // once it has worked a little, and that would be the small run's peak: an unmeasured import first.
      ctx.log('  warm-up import:');
      await measure(archives[0]);
      const small = await measure(archives[0]);
      const big = await measure(archives[1]);
      return { method, small, big, ratio: ratio(big.peakRssBytes, small.peakRssBytes) };
    } finally {
      await running.service.stop();
    }
  } finally {
    for (const archive of archives) rmSync(archive.path, { force: true });
  }
}
