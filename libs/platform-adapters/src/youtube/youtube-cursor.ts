import type { Cursor } from '../adapter/collection';
import { InvalidCursorError } from '../errors';
import { asRecord } from '../json-shape';
import { checkListState, type ListState } from './youtube-lists';

/**
 * What each collection needs to continue where a page left off, without asking YouTube for anything it
 * asked before (no `channels.list` on resume: the ids it gave are in here). Every cursor counts the
 * items delivered so far, for `maxRecords`.
 */
export interface CursorStates {
  videos: {
    /** The channel's uploads playlist, `UU…`. */
    uploads: string;
    list: ListState;
    delivered: number;
    /** Uploads-list entries consumed (delivered, filtered out or missing from videos.list). */
    seen: number;
    /** statistics.videoCount when the collection started, to say when the uploads list stops short. */
    videoCount?: number;
  };
  playlists: { list: ListState; delivered: number };
  'playlist-items': {
    /** The list of playlists; absent once every playlist id has been queued. */
    playlists?: ListState;
    /** Playlists whose items are still to read, the current one first. */
    queue: string[];
    /** Within the current playlist. */
    items?: ListState;
    delivered: number;
  };
  comments: {
    channel: string;
    /** Comment threads of the channel; absent once read to the end. */
    threads?: ListState;
    /** Threads with more replies than the thread embeds, the current one first. */
    pending: string[];
    /** Within the current pending thread's replies. */
    replies?: ListState;
    delivered: number;
  };
  subscriptions: { list: ListState; delivered: number };
}

export type PagedCollection = keyof CursorStates;

const VERSION = 1;

export function encodeCursor<C extends PagedCollection>(collection: C, state: CursorStates[C]): Cursor {
  return JSON.stringify({ v: VERSION, c: collection, ...state });
}

/** Reads a cursor back; anything but one this adapter wrote for `collection` is an InvalidCursorError. */
export function decodeCursor<C extends PagedCollection>(collection: C, cursor: Cursor): CursorStates[C] {
  try {
    let parsed: unknown;
    try {
      parsed = JSON.parse(cursor);
    } catch {
      throw new Error('not JSON');
    }
    const record = asRecord(parsed);
    if (!record || record.v !== VERSION || record.c !== collection) throw new Error(`not a version ${VERSION} ${collection} cursor`);
    return READERS[collection](record);
  } catch (error) {
    throw new InvalidCursorError('youtube', collection, (error as Error).message);
  }
}

type Readers = { [C in PagedCollection]: (record: Record<string, unknown>) => CursorStates[C] };

const READERS: Readers = {
  videos: (record) => ({
    uploads: text(record, 'uploads'),
    list: checkListState(record.list, 'list'),
    delivered: count(record, 'delivered'),
    seen: count(record, 'seen'),
    ...(record.videoCount !== undefined ? { videoCount: count(record, 'videoCount') } : {}),
  }),
  playlists: (record) => ({ list: checkListState(record.list, 'list'), delivered: count(record, 'delivered') }),
  'playlist-items': (record) => ({
    ...(record.playlists !== undefined ? { playlists: checkListState(record.playlists, 'playlists') } : {}),
    queue: texts(record, 'queue'),
    ...(record.items !== undefined ? { items: checkListState(record.items, 'items') } : {}),
    delivered: count(record, 'delivered'),
  }),
  comments: (record) => ({
    channel: text(record, 'channel'),
    ...(record.threads !== undefined ? { threads: checkListState(record.threads, 'threads') } : {}),
    pending: texts(record, 'pending'),
    ...(record.replies !== undefined ? { replies: checkListState(record.replies, 'replies') } : {}),
    delivered: count(record, 'delivered'),
  }),
  subscriptions: (record) => ({ list: checkListState(record.list, 'list'), delivered: count(record, 'delivered') }),
};

function text(record: Record<string, unknown>, key: string): string {
  const value = record[key];
  if (typeof value !== 'string' || value === '') throw new Error(`${key} is not a string`);
  return value;
}

function texts(record: Record<string, unknown>, key: string): string[] {
  const value = record[key];
  if (!Array.isArray(value) || !value.every((entry) => typeof entry === 'string')) throw new Error(`${key} is not a list of ids`);
  return value;
}

function count(record: Record<string, unknown>, key: string): number {
  const value = record[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new Error(`${key} is not a count`);
  return value;
}
