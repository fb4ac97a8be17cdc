import { MalformedResponseError, PlatformRequestError } from '../errors';
import { asRecord, numberField } from '../json-shape';

/** One page of a Data API list answer, checked. */
export interface ListAnswer {
  items: Record<string, unknown>[];
  /** nextPageToken; absent on the last page. */
  next?: string;
  /** pageInfo.totalResults: approximate, for progress only. */
  total?: number;
}

/**
 * Reads a list answer. A body that is no list answer (an error body with a 200, `items: null`, an item
 * without an id) is malformed, which the platform client answers by asking once more. An answer with no
 * `items` at all is an empty page: the live API leaves the field out when nothing matched.
 */
export function readListAnswer(operation: string, body: unknown): ListAnswer {
  const malformed = (detail: string) => new MalformedResponseError('youtube', operation, detail);
  const answer = asRecord(body);
  if (!answer) throw malformed('not a JSON object');
  if (answer.error !== undefined) throw malformed('an error body in a successful answer');
  if (answer.items !== undefined && !Array.isArray(answer.items)) throw malformed('items is not an array');
  const items = ((answer.items as unknown[] | undefined) ?? []).map((entry) => {
    const item = asRecord(entry);
    if (!item || typeof item.id !== 'string' || item.id === '') throw malformed('an item without an id');
    return item;
  });
  if (answer.nextPageToken !== undefined && typeof answer.nextPageToken !== 'string') {
    throw malformed('nextPageToken is not a string');
  }
  return { items, next: answer.nextPageToken || undefined, total: numberField(answer.pageInfo, 'totalResults') };
}

/** The last entry of a list a run consumed: its id, and its time when the list is ordered by time. */
export interface Mark {
  id: string;
  at?: string;
}

/** Where one paged list stands between pages; plain data, part of a cursor. */
export interface ListState {
  /** pageToken of the next page; absent for the first page. */
  token?: string;
  /** The last entry consumed so far. */
  mark?: Mark;
  /** Set after a restart: the list is being read again from the top, and entries up to `mark` are skipped. */
  catchUp?: boolean;
  /** Restarts so far, so a list whose every token is refused does not loop. */
  restarts?: number;
}

/** How to recognise a list's entries when catching up after a restart. */
export interface ListOrder {
  /** For warnings: "the uploads playlist", "replies to comment Ugx…". */
  label: string;
  /**
   * For lists ordered newest first: an entry's time. An entry older than the mark is past it, even
   * when the marked entry itself has been deleted since.
   */
  timeOf?: (entry: Record<string, unknown>) => string | undefined;
}

function markOf(entry: Record<string, unknown>, order: ListOrder): Mark {
  const at = order.timeOf?.(entry);
  return at === undefined ? { id: entry.id as string } : { id: entry.id as string, at };
}

export interface Step {
  /** This page's entries that no earlier run consumed, in list order. */
  entries: Record<string, unknown>[];
  /** Where the list continues; undefined when it has ended. */
  next?: ListState;
  total?: number;
  warnings: string[];
}

/** Restarts allowed per list before a refused token is an error after all. */
const MAX_RESTARTS = 2;

/**
 * Reads the next page of a list. A page token refused as invalid (`invalidPageToken`: stale, or from
 * another query) restarts the list from its first page and skips, page by page, what earlier runs
 * consumed, so a restarted collection emits no item twice. Skipping ends at the entry named by the
 * mark; when that entry has been deleted meanwhile, a time-ordered list ends it at the first older
 * entry, and any other list reaches its end still skipping and says so in a warning. Entries added at
 * the top since are skipped with the rest: they were not there when the export started.
 * A next token equal to the one just sent may be a passing glitch, so the page is asked once more; a
 * second equal token is a cycle: the list ends there with a warning that the rest could not be read.
 */
export async function readStep(
  state: ListState,
  order: ListOrder,
  fetch: (token: string | undefined, catchingUp: boolean) => Promise<ListAnswer>,
): Promise<Step> {
  const warnings: string[] = [];
  let { token, catchUp = false, restarts = 0 } = state;
  const { mark } = state;
  let answer: ListAnswer;
  try {
    answer = await fetch(token, catchUp);
  } catch (error) {
    const stale = error instanceof PlatformRequestError && error.disposition === 'restart-collection';
    if (!stale || token === undefined || restarts >= MAX_RESTARTS) throw error;
    warnings.push(`YouTube refused the saved page token of ${order.label} (${error.reason ?? 'invalid'}); read it again from the start`);
    token = undefined;
    catchUp = mark !== undefined;
    restarts += 1;
    answer = await fetch(undefined, catchUp);
  }

  if (answer.next !== undefined && answer.next === token) answer = await fetch(token, catchUp);

  let entries = answer.items;
  if (catchUp && mark) {
    const found = entries.findIndex((entry) => entry.id === mark.id);
    const older = order.timeOf && mark.at !== undefined ? entries.findIndex((entry) => isOlder(markOf(entry, order), mark)) : -1;
    if (found >= 0) {
      entries = entries.slice(found + 1);
      catchUp = false;
    } else if (older >= 0) {
      entries = entries.slice(older);
      catchUp = false;
    } else {
      entries = [];
    }
  }

  const last = entries.at(-1);
  let next: ListState | undefined = answer.next
    ? {
        token: answer.next,
        mark: last ? markOf(last, order) : mark,
        ...(catchUp ? { catchUp } : {}),
        ...(restarts ? { restarts } : {}),
      }
    : undefined;
  if (answer.next !== undefined && answer.next === token) {
    warnings.push(`YouTube kept sending the same page token for ${order.label}, so the rest of it could not be read`);
    next = undefined;
  }
  if (!next && catchUp && mark) {
    warnings.push(
      `${order.label}: the entry the earlier run stopped at (${mark.id}) is gone, so entries after it may be missing`,
    );
  }
  return { entries, next, total: answer.total, warnings };
}

function isOlder(entry: Mark, mark: Mark): boolean {
  const at = entry.at === undefined ? NaN : Date.parse(entry.at);
  const markAt = mark.at === undefined ? NaN : Date.parse(mark.at);
  return at < markAt;
}

/** Checks a ListState read back from a cursor; throws a sentence on anything else. */
export function checkListState(value: unknown, name: string): ListState {
  const state = asRecord(value);
  if (!state) throw new Error(`${name} is not an object`);
  const { token, mark, catchUp, restarts } = state;
  if (token !== undefined && typeof token !== 'string') throw new Error(`${name}.token is not a string`);
  if (catchUp !== undefined && typeof catchUp !== 'boolean') throw new Error(`${name}.catchUp is not a boolean`);
  if (restarts !== undefined && !(Number.isInteger(restarts) && (restarts as number) >= 0)) {
    throw new Error(`${name}.restarts is not a count`);
  }
  let checkedMark: Mark | undefined;
  if (mark !== undefined) {
    const record = asRecord(mark);
    if (!record || typeof record.id !== 'string' || (record.at !== undefined && typeof record.at !== 'string')) {
      throw new Error(`${name}.mark is not {id, at?}`);
    }
    checkedMark = { id: record.id, ...(typeof record.at === 'string' ? { at: record.at } : {}) };
  }
  return {
    ...(token !== undefined ? { token: token } : {}),
    ...(checkedMark ? { mark: checkedMark } : {}),
    ...(catchUp ? { catchUp: true } : {}),
    ...(restarts ? { restarts: restarts as number } : {}),
  };
}
