import type { AccountInfo } from '../../adapter/account-info';
import type { CollectionPlan, Cursor, ExportItem, Page } from '../../adapter/collection';
import type { ArchiveImporter, OpenedArchive } from '../../archive/archive-importer';
import { InvalidArchiveError } from '../../archive/invalid-archive';
import { jsonArrayElements } from '../../archive/json-array-stream';
import { TAKEOUT_YOUTUBE_FOLDERS } from '../../archive/platform-detection';
import type { ZipArchive } from '../../archive/zip-archive';
import { InvalidCursorError, UnknownCollectionError } from '../../errors';
import { YOUTUBE_WATCH_URL } from '../youtube.descriptor';
import { csvRecords } from './csv-rows';
import { historyHtmlEntries } from './history-html';
import { TAKEOUT_LAYOUTS, type TakeoutLayout } from './takeout-layout';
import {
  column,
  searchRecord,
  takeoutChannelRecord,
  takeoutCommentRecord,
  takeoutPlaylistItemRecord,
  takeoutPlaylistRecord,
  takeoutSubscriptionRecord,
  takeoutVideoRecord,
  watchRecord,
} from './takeout-records';

/** Items per page: the pipeline checkpoints after each. */
const PAGE_ITEMS = 500;
/** `playlists.csv` and `channel.csv` are read whole at open; a real one is a few KiB. */
const SMALL_FILE_BYTES = 8 * 1024 * 1024;

/** The collections in export order: the YouTube adapter's, then the two only Takeout has. */
const TAKEOUT_COLLECTIONS = ['profile', 'videos', 'playlists', 'playlist-items', 'comments', 'subscriptions', 'watch-history', 'search-history'] as const;
type TakeoutCollection = (typeof TAKEOUT_COLLECTIONS)[number];
const isTakeoutCollection = (name: string): name is TakeoutCollection => (TAKEOUT_COLLECTIONS as readonly string[]).includes(name);

/** The history is JSON or, Takeout's default, HTML; the other files are CSV. */
const HISTORY_COLLECTIONS = new Set<TakeoutCollection>(['watch-history', 'search-history']);

const VIDEO_FILE = /\.(mp4|webm|mov|mkv|m4v|3gp|flv)$/i;

/**
 * Google Takeout's `YouTube and YouTube Music` folder (platform-facts.md §6.5), in English or German:
 * history as JSON (streamed element by element) or as HTML, Takeout's default (streamed entry by entry,
 * history-html.ts), the CSVs row by row, and the uploads' files, which Takeout names by title, matched to
 * their ids through `videos.csv`. When both forms of the history are there the JSON is read and the HTML,
 * which says the same, is listed with the unknown files.
 */
export class YouTubeTakeoutImporter implements ArchiveImporter {
  readonly platform = 'youtube' as const;
  readonly collections: readonly string[] = TAKEOUT_COLLECTIONS;

  async open(zip: ZipArchive): Promise<OpenedArchive> {
    const names = zip.names();
    const base = youtubeFolder(names);
    if (base === undefined) throw new InvalidArchiveError('corrupt', 'The Takeout holds no YouTube folder');
    const find = (pick: (layout: TakeoutLayout) => string[]): string[] => {
      for (const layout of TAKEOUT_LAYOUTS) {
        const found = pick(layout).map((path) => `${base}${path}`).find((name) => zip.has(name));
        if (found) return [found];
      }
      return [];
    };
    const files = new Map<TakeoutCollection, string[]>([
      ['profile', find((layout) => layout.channel)],
      ['videos', find((layout) => layout.videoMetadata)],
      ['playlists', find((layout) => layout.playlistIndex)],
      ['comments', find((layout) => layout.comments)],
      ['subscriptions', find((layout) => layout.subscriptions)],
      ['watch-history', find((layout) => layout.watchHistory)],
      ['search-history', find((layout) => layout.searchHistory)],
    ]);
    const index = files.get('playlists')?.[0];
    const playlistFolders = TAKEOUT_LAYOUTS.map((layout) => `${base}${layout.playlistsFolder}`);
    files.set(
      'playlist-items',
      names.filter((name) => name !== index && name.endsWith('.csv') && playlistFolders.some((folder) => name.startsWith(folder) && !name.slice(folder.length).includes('/'))).sort(),
    );
    for (const [collection, list] of files) if (list.length === 0) files.delete(collection);
    if (files.size === 0) throw new InvalidArchiveError('empty', 'The Takeout\'s YouTube folder holds none of the files Star Export reads (history, subscriptions, playlists, comments, channel or video metadata)');

    const channelFile = files.get('profile')?.[0];
    const channelRow = channelFile ? await firstRow(zip, channelFile) : undefined;
    const owner = { id: channelRow ? column(channelRow, 'Channel ID', 'Channel Id') : null, title: channelRow ? column(channelRow, 'Channel Title (Original)', 'Channel title (original)', 'Channel Title') : null };
    const playlistIds = index ? await playlistIdsByTitle(zip, index) : new Map<string, string>();
    const videoFiles = new Map<string, string>();
    for (const name of names) {
      if (name.startsWith(base) && VIDEO_FILE.test(name)) videoFiles.set(fileTitle(name.slice(name.lastIndexOf('/') + 1).replace(VIDEO_FILE, '')), name);
    }
    return new OpenedTakeout(zip, files, owner, playlistIds, videoFiles);
  }
}

/** `…/Takeout/YouTube and YouTube Music/` (any known language), wherever the archive was re-zipped. */
function youtubeFolder(names: readonly string[]): string | undefined {
  for (const name of names) {
    for (const folder of TAKEOUT_YOUTUBE_FOLDERS) {
      const at = name.indexOf(`Takeout/${folder}/`);
      if (at >= 0 && (at === 0 || name[at - 1] === '/')) return name.slice(0, at + `Takeout/${folder}/`.length);
    }
  }
  return undefined;
}

/** Takeout writes a title into a file name with the characters file systems refuse replaced. */
function fileTitle(title: string): string {
  return title.replace(/[/\\:*?"<>|]/g, '_').trim().toLowerCase();
}

async function firstRow(zip: ZipArchive, file: string): Promise<Record<string, string> | undefined> {
  for await (const row of readable(file, csvRecords(await zip.stream(file)))) return row;
  return undefined;
}

/** Per-playlist CSVs are named by the playlist's title (`<title>-videos.csv`, older `<title>.csv`). */
async function playlistIdsByTitle(zip: ZipArchive, index: string): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  const size = zip.sizeOf(index) ?? 0;
  if (size > SMALL_FILE_BYTES) throw new InvalidArchiveError('too_large', `${index} is ${size} bytes; at most ${SMALL_FILE_BYTES} are read`);
  for await (const row of readable(index, csvRecords(await zip.stream(index)))) {
    const id = column(row, 'Playlist ID', 'Playlist Id');
    const title = column(row, 'Playlist Title (Original)', 'Playlist title (original)', 'Playlist Title');
    if (id && title) ids.set(fileTitle(title), id);
  }
  return ids;
}

class OpenedTakeout implements OpenedArchive {
  private readonly videoTitles = new Map<string, string>();

  constructor(
    private readonly zip: ZipArchive,
    private readonly files: ReadonlyMap<TakeoutCollection, string[]>,
    private readonly owner: { id: string | null; title: string | null },
    private readonly playlistIds: ReadonlyMap<string, string>,
    private readonly videoFiles: ReadonlyMap<string, string>,
  ) {}

  account(): AccountInfo {
    // A Google account without a channel still has history and subscriptions: it is named, not invented.
    return { accountId: this.owner.id ?? '', name: this.owner.title ?? 'YouTube (Google Takeout)', scopes: [] };
  }

  plans(collections?: readonly string[]): CollectionPlan[] {
    return TAKEOUT_COLLECTIONS.filter((name) => this.files.has(name) && (!collections || collections.includes(name))).map((name) => ({
      collection: name,
      feature: name === 'playlist-items' ? 'playlists' : name,
    }));
  }

  unknownFiles(): string[] {
    const known = new Set<string>([...this.files.values()].flat());
    if (this.files.has('videos')) for (const file of this.videoFiles.values()) known.add(file);
    return this.zip.names().filter((name) => !known.has(name));
  }

  /**
   * Cursor `<file index>:<rows done>[:<undated rows>]`: a resumed import starts in the file, after what was
   * checkpointed, still knowing how many of the HTML history's dates it could not read so far.
   */
  async *pages(plan: CollectionPlan, from?: Cursor, signal?: AbortSignal): AsyncIterable<Page> {
    const collection = plan.collection;
    if (!isTakeoutCollection(collection)) throw new UnknownCollectionError('youtube', collection);
    const files = this.files.get(collection) ?? [];
    const [startFile, startRow, startUndated] = parseCursor(collection, from);
    for (let fileIndex = startFile; fileIndex < files.length; fileIndex++) {
      const file = files[fileIndex];
      const stream = await this.zip.stream(file);
      const html = HISTORY_COLLECTIONS.has(collection) && /\.html?$/i.test(file);
      const values: AsyncGenerator<unknown> = html ? historyHtmlEntries(stream) : HISTORY_COLLECTIONS.has(collection) ? jsonArrayElements(stream) : csvRecords(stream);
      const skip = fileIndex === startFile ? startRow : 0;
      let undated = fileIndex === startFile ? startUndated : 0;
      let row = 0;
      let items: ExportItem[] = [];
      for await (const value of readable(file, values)) {
        signal?.throwIfAborted();
        row++;
        if (row <= skip) continue;
        if (html && (value as { time?: string }).time === undefined) undated++;
        const record = this.record(collection, value, row, file);
        if (record) items.push(record);
        if (items.length >= PAGE_ITEMS) {
          yield { items, cursor: `${fileIndex}:${row}${undated > 0 ? `:${undated}` : ''}` };
          items = [];
        }
      }
      const last = fileIndex === files.length - 1;
      // Entries whose date could not be read are exported without one, and the manifest says how many.
      const warnings = undated > 0 ? [`${undated} ${undated === 1 ? 'entry' : 'entries'} of ${file} had a date that could not be read; exported without a time`] : [];
      yield { items, ...(last ? {} : { cursor: `${fileIndex + 1}:0` }), ...(warnings.length > 0 ? { warnings } : {}) };
    }
  }

  private record(collection: TakeoutCollection, value: unknown, row: number, file: string): ExportItem | undefined {
    if (collection === 'watch-history') return watchRecord(value, row);
    if (collection === 'search-history') return searchRecord(value, row);
    const csv = value as Record<string, string>;
    switch (collection) {
      case 'profile':
        return takeoutChannelRecord(csv);
      case 'videos': {
        const title = column(csv, 'Video Title (Original)', 'Video title (original)', 'Video Title');
        return takeoutVideoRecord(csv, YOUTUBE_WATCH_URL, title ? this.videoFiles.get(fileTitle(title)) : undefined);
      }
      case 'playlists':
        return takeoutPlaylistRecord(csv, this.owner.id);
      case 'playlist-items':
        return takeoutPlaylistItemRecord(csv, this.playlistIdOf(file), row - 1);
      case 'comments':
        return takeoutCommentRecord(csv, this.owner);
      case 'subscriptions':
        return takeoutSubscriptionRecord(csv);
    }
  }

  private playlistIdOf(file: string): string {
    const title = file.slice(file.lastIndexOf('/') + 1).replace(/\.csv$/i, '');
    const key = fileTitle(title);
    return this.playlistIds.get(key) ?? this.playlistIds.get(key.replace(/-videos$/, '')) ?? title.replace(/-videos$/, '');
  }
}

function parseCursor(collection: string, cursor: Cursor | undefined): [number, number, number] {
  if (cursor === undefined) return [0, 0, 0];
  const match = /^(\d+):(\d+)(?::(\d+))?$/.exec(cursor);
  if (!match) throw new InvalidCursorError('youtube', collection, cursor);
  return [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
}

/** A file that does not parse is a broken archive, reported as such rather than retried. */
async function* readable<T>(file: string, values: AsyncGenerator<T>): AsyncGenerator<T> {
  try {
    yield* values;
  } catch (error) {
    if (error instanceof SyntaxError || (error instanceof Error && /ends inside|is longer than/.test(error.message))) {
      throw new InvalidArchiveError('corrupt', `${file} of the Takeout is not readable (${error.message})`);
    }
    throw error;
  }
}
