import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExportItem } from '@app/platform-adapters';
import type { SpoolKind } from '../export-storage';
import { ExportCheckpoint } from '../export-job.entity';
import { CheckpointFeed } from '../pipeline/checkpoint-feed';
import { Spool } from '../pipeline/spool';
import { itemLine } from '../pipeline/spooled-item';
import type { WorkFolder } from '../pipeline/work-folder';
import { abandonArchive, type ArchiveRequest, buildArchive, checkpointedItems, startJsonArchive } from './archive-builder';

const page = (from: number, count: number): ExportItem[] =>
  Array.from({ length: count }, (_, i) => ({ id: `v${from + i}`, data: { title: `Video ${from + i} été 🎉`, raw: { id: `v${from + i}` } } }));

describe('a JSON archive written while pages are collected', () => {
  let dir: string;
  let folder: WorkFolder;
  let feed: CheckpointFeed;
  let checkpoints: Map<string, ExportCheckpoint>;
  let written: Spool[];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'archive-head-'));
    const spool = (collection: string, kind: SpoolKind, attempt: number) => new Spool(join(dir, `${collection}.${kind}.a${attempt}.ndjson`));
    folder = { spool } as unknown as WorkFolder;
    feed = new CheckpointFeed();
    checkpoints = new Map();
    written = [];
  });
  afterEach(async () => {
    await Promise.all(written.map((spool) => spool.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  async function append(collection: string, kind: SpoolKind, lines: string[]): Promise<number> {
    const spool = folder.spool(collection, kind, 2);
    written.push(spool);
    return spool.appendLines(lines);
  }

  /** What the pipeline does per page: append to the spools, then save (here: publish) the checkpoint. */
  async function savePage(collection: string, items: ExportItem[], done: boolean, media: { itemId: string; name: string; file: string }[] = []): Promise<void> {
    const before = checkpoints.get(collection) ?? Object.assign(new ExportCheckpoint(), { collection, spoolAttempt: 2, cursor: null, itemCount: 0, totalEstimate: null, itemsBytes: 0, mediaBytes: 0, errorsBytes: 0, done: false });
    const next = Object.assign(new ExportCheckpoint(), {
      ...before,
      itemCount: before.itemCount + items.length,
      itemsBytes: await append(collection, 'items', items.map(itemLine)),
      mediaBytes: await append(collection, 'media', media.map((record) => JSON.stringify(record))),
      errorsBytes: await append(collection, 'errors', []),
      done,
    });
    checkpoints.set(collection, next);
    feed.publish(next);
  }

  function request(target: string): ArchiveRequest {
    return {
      target,
      format: 'json',
      folder,
      checkpoints: [...checkpoints.values()],
      warnings: [],
      manifest: { platform: 'youtube', completedAt: '2026-12-07T12:00:00.000Z' },
    };
  }

  function unzipped(target: string): string {
    const out = join(dir, `out-${Date.now()}`);
    execFileSync('unzip', ['-oq', target, '-d', out]);
    return out;
  }

  it('holds each checkpointed page exactly once, with its media files, and the same files as an archive built at the end', async () => {
    const photo = join(dir, 'v1.jpg');
    writeFileSync(photo, 'jpeg bytes');
    const target = join(dir, 'early.zip');
    const head = startJsonArchive(target, ['videos', 'likes'], feed, folder);

    await savePage('videos', page(0, 3), false, [{ itemId: 'v1', name: 'media/videos/v1-0.jpg', file: photo }]);
    await savePage('videos', page(3, 2), false);
    await savePage('videos', page(5, 1), true);
    await savePage('likes', [], true);
    const late = join(dir, 'late.zip');
    await buildArchive(request(late), new AbortController().signal);
    // Written after the last checkpoint (as by a page never saved): not part of the export.
    await append('videos', 'items', page(6, 1).map(itemLine));
    await buildArchive(request(target), new AbortController().signal, head);

    const early = unzipped(target);
    const videos = JSON.parse(readFileSync(join(early, 'videos.json'), 'utf8')) as { id: string; mediaFiles?: string[] }[];
    expect(videos.map((video) => video.id)).toEqual(['v0', 'v1', 'v2', 'v3', 'v4', 'v5']);
    expect(videos[1].mediaFiles).toEqual(['media/videos/v1-0.jpg']);
    expect(readFileSync(join(early, 'media/videos/v1-0.jpg'), 'utf8')).toBe('jpeg bytes');
    expect(JSON.parse(readFileSync(join(early, 'likes.json'), 'utf8'))).toEqual([]);
    const manifestOf = (out: string) => JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { files: unknown[]; counts: unknown };
    expect(manifestOf(early)).toEqual(manifestOf(unzipped(late)));
    expect(manifestOf(early).counts).toEqual({ videos: 6, likes: 0 });
  });

  it('takes a page as soon as its checkpoint is saved, before the collection ends, with or without media', async () => {
    const photo = join(dir, 'v3.jpg');
    writeFileSync(photo, 'jpeg bytes');
    const items = checkpointedItems(feed, folder, 'videos');
    await savePage('videos', page(0, 2), false);
    const taken = [await items.next(), await items.next()].map((next) => (next.done ? undefined : next.value.item.id));
    expect(taken).toEqual(['v0', 'v1']);
    await savePage('videos', page(2, 2), false, [{ itemId: 'v3', name: 'media/videos/v3-0.jpg', file: photo }]);
    const withMedia = [await items.next(), await items.next()].map((next) => (next.done ? undefined : next.value));
    expect(withMedia.map((entry) => [entry?.item.id, entry?.files])).toEqual([
      ['v2', []],
      ['v3', ['media/videos/v3-0.jpg']],
    ]);
    await savePage('videos', [], true);
    expect((await items.next()).done).toBe(true);
  });

  it('is removed, with no partial file left, when the run fails before its end', async () => {
    const target = join(dir, 'failed.zip');
    const head = startJsonArchive(target, ['videos'], feed, folder);
    await savePage('videos', page(0, 2), false);
    feed.fail(new Error('the worker was stopped'));
    await abandonArchive(head);
    expect(existsSync(target)).toBe(false);
    expect(existsSync(`${target}.part`)).toBe(false);
  });
});
