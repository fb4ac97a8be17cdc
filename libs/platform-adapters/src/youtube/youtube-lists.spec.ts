import { MalformedResponseError, PlatformRequestError } from '../errors';
import { readListAnswer, readStep, type ListAnswer, type ListOrder, type ListState } from './youtube-lists';

/**
 * readStep against a list held in memory and served in pages of `size`, whose page tokens are offsets,
 * and which refuses the tokens in `refused` the way YouTube refuses a stale one.
 */
function servedList(entries: { id: string; at: string }[], size: number, refused = new Set<string>()) {
  const fetch = async (token: string | undefined): Promise<ListAnswer> => {
    if (token !== undefined && refused.has(token)) {
      throw new PlatformRequestError('youtube', 'playlistItems.list', 400, 'invalidPageToken', 'restart-collection');
    }
    const offset = token === undefined ? 0 : Number(token);
    const page = entries.slice(offset, offset + size);
    return { items: page.map((entry) => ({ ...entry })), next: offset + size < entries.length ? String(offset + size) : undefined };
  };
  return { fetch };
}

/** Every entry id readStep gives from `state` to the end of the list, and its warnings. */
async function readAll(state: ListState, order: ListOrder, fetch: (token: string | undefined) => Promise<ListAnswer>) {
  const ids: string[] = [];
  const warnings: string[] = [];
  let current: ListState | undefined = state;
  while (current) {
    const step = await readStep(current, order, fetch);
    ids.push(...step.entries.map((entry) => entry.id as string));
    warnings.push(...step.warnings);
    current = step.next;
  }
  return { ids, warnings };
}

const byTime: ListOrder = { label: 'the uploads playlist', timeOf: (entry) => entry.at as string };
const byId: ListOrder = { label: 'your subscriptions' };
/** v0 newest … v9 oldest, a day apart. */
const uploads = Array.from({ length: 10 }, (_, i) => ({ id: `v${i}`, at: new Date(Date.UTC(2026, 0, 20 - i)).toISOString() }));

describe('readStep', () => {
  it('after a refused token, skips up to the marked entry, including entries added at the top since', async () => {
    const now = [{ id: 'new', at: '2026-02-01T00:00:00.000Z' }, ...uploads];
    const { fetch } = servedList(now, 3, new Set(['4']));
    const { ids, warnings } = await readAll({ token: '4', mark: { id: 'v3', at: uploads[3].at } }, byTime, fetch);
    expect(ids).toEqual(['v4', 'v5', 'v6', 'v7', 'v8', 'v9']);
    expect(warnings).toEqual(['YouTube refused the saved page token of the uploads playlist (invalidPageToken); read it again from the start']);
  });

  it('in a list ordered by time, picks up at the first older entry when the marked one was deleted', async () => {
    const { fetch } = servedList(uploads.filter((entry) => entry.id !== 'v3'), 3, new Set(['4']));
    const { ids, warnings } = await readAll({ token: '4', mark: { id: 'v3', at: uploads[3].at } }, byTime, fetch);
    expect(ids).toEqual(['v4', 'v5', 'v6', 'v7', 'v8', 'v9']);
    expect(warnings).toHaveLength(1);
  });

  it('in a list without an order, says entries may be missing rather than repeat any when the marked one was deleted', async () => {
    const { fetch } = servedList(uploads.filter((entry) => entry.id !== 'v3'), 3, new Set(['4']));
    const { ids, warnings } = await readAll({ token: '4', mark: { id: 'v3' } }, byId, fetch);
    expect(ids).toEqual([]);
    expect(warnings[1]).toBe('your subscriptions: the entry the earlier run stopped at (v3) is gone, so entries after it may be missing');
  });

  it('keeps skipping across pages, and says so in the state it hands on', async () => {
    const { fetch } = servedList(uploads, 2, new Set(['stale']));
    const first = await readStep({ token: 'stale', mark: { id: 'v7' } }, byId, fetch);
    expect(first.entries).toEqual([]);
    expect(first.next).toEqual({ token: '2', mark: { id: 'v7' }, catchUp: true, restarts: 1 });
    expect((await readAll(first.next as ListState, byId, fetch)).ids).toEqual(['v8', 'v9']);
  });

  it('does not restart a list whose every token is refused more than twice', async () => {
    const { fetch } = servedList(uploads, 2, new Set(['2', '4', '6', '8']));
    await expect(readAll({ token: '2', mark: { id: 'v1' } }, byId, fetch)).rejects.toBeInstanceOf(PlatformRequestError);
  });

  it('asks once more for a page whose next token is the one just sent, and ends the list when it comes again', async () => {
    let asked = 0;
    const step = await readStep({ token: 'T' }, byId, async () => ((asked += 1), { items: [{ id: 'a' }], next: 'T' }));
    expect(asked).toBe(2);
    expect(step.next).toBeUndefined();
    expect(step.warnings).toEqual(['YouTube kept sending the same page token for your subscriptions, so the rest of it could not be read']);
  });

  it('goes on when the page asked once more names the next page', async () => {
    const answers = [{ items: [{ id: 'a' }], next: 'T' }, { items: [{ id: 'a' }], next: 'U' }];
    const step = await readStep({ token: 'T' }, byId, async () => answers.shift() as { items: { id: string }[]; next: string });
    expect(step.entries).toEqual([{ id: 'a' }]);
    expect(step.next).toEqual({ token: 'U', mark: { id: 'a' } });
    expect(step.warnings).toEqual([]);
  });
});

describe('readListAnswer', () => {
  it('takes a missing items field as an empty page and refuses what is no list answer', () => {
    expect(readListAnswer('channels.list', { kind: 'youtube#channelListResponse', pageInfo: { totalResults: 0 } })).toEqual({
      items: [],
      next: undefined,
      total: 0,
    });
    for (const body of [[], { items: null }, { error: { code: 503 } }, { items: [{ snippet: {} }] }, { items: [], nextPageToken: 5 }]) {
      expect(() => readListAnswer('videos.list', body)).toThrow(MalformedResponseError);
    }
  });
});
