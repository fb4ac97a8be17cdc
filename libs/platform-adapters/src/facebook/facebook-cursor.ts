import type { Cursor } from '../adapter/collection';
import { InvalidCursorError } from '../errors';
import { asRecord } from '../json-shape';

/** Items already delivered, for skipping them when a list is read again from its start after a refused cursor. */
export interface SkipRule {
  /** Time-ordered lists: skip what is newer than this (ISO 8601), and the ids listed at exactly this time. */
  at?: string;
  ids: string[];
  /** Lists in no time order: skip this many entries. */
  count?: number;
}

/**
 * Where a Facebook collection stands. `next` is Meta's own `paging.next` link (credentials removed); the
 * rest lets a refused link be replaced: the oldest item delivered (time and ids at that time), how many
 * list entries were consumed, and how many items delivered (maxRecords).
 */
export interface FacebookCursor {
  next?: string;
  delivered: number;
  consumed: number;
  oldest?: { at: string; ids: string[] };
  skip?: SkipRule;
  /** friends: Meta's summary.total_count. */
  total?: number;
}

const VERSION = 1;

export function encodeCursor(collection: string, state: FacebookCursor): Cursor {
  return JSON.stringify({ v: VERSION, c: collection, ...state });
}

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;
const isIds = (value: unknown): value is string[] => Array.isArray(value) && value.every((id) => typeof id === 'string');

export function decodeCursor(collection: string, cursor: Cursor): FacebookCursor {
  let record: Record<string, unknown> | undefined;
  try {
    record = asRecord(JSON.parse(cursor));
  } catch {
    record = undefined;
  }
  const fail = (detail: string): never => {
    throw new InvalidCursorError('facebook', collection, detail);
  };
  if (!record || record.v !== VERSION || record.c !== collection) return fail(`not a version ${VERSION} ${collection} cursor`);
  if (record.next !== undefined && (typeof record.next !== 'string' || !/^https?:\/\//.test(record.next))) fail('next is not a link');
  if (!isCount(record.delivered) || !isCount(record.consumed)) fail('counts are missing');
  const oldest = asRecord(record.oldest);
  if (record.oldest !== undefined && (typeof oldest?.at !== 'string' || !isIds(oldest.ids))) fail('oldest is malformed');
  const skip = asRecord(record.skip);
  if (record.skip !== undefined && (!skip || !isIds(skip.ids) || (skip.at !== undefined && typeof skip.at !== 'string') || (skip.count !== undefined && !isCount(skip.count)))) {
    fail('skip is malformed');
  }
  if (record.total !== undefined && !isCount(record.total)) fail('total is malformed');
  return {
    next: record.next as string | undefined,
    delivered: record.delivered as number,
    consumed: record.consumed as number,
    ...(oldest ? { oldest: { at: oldest.at as string, ids: oldest.ids as string[] } } : {}),
    ...(skip ? { skip: skip as unknown as SkipRule } : {}),
    ...(record.total !== undefined ? { total: record.total as number } : {}),
  };
}
