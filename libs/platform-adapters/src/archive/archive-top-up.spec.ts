import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type RunningSandbox } from '../../../../apps/platform-sandbox/src';
import { X_ACCOUNT, v11Tweet, xArchiveEntries } from '../../../../test/imports/x-archive-fixture';
import { buildZip } from '../../../../test/imports/zip-builder';
import { xIds, xTokens } from '../../../../test/twitter/twitter-support';
import type { PlatformCallContext } from '../adapter/call-context';
import type { CollectionPlan, Cursor, Page } from '../adapter/collection';
import { InMemoryCredentialStore } from '../adapter/credentials';
import { PlatformHttpClientFactory } from '../http/platform-http-client.factory';
import { SettingsReader } from '../settings/settings-reader';
import { FAST_HTTP } from '../../test/options';
import { TwitterAdapter } from '../twitter/twitter.adapter';
import { twitterDescriptor } from '../twitter/twitter.descriptor';
import { readTwitterOptions } from '../twitter/twitter.options';
import { ArchiveSourceAdapter, openImport, type OpenedImport } from './archive-import';
import { TopUpSourceAdapter } from './archive-top-up';

/**
 * A topped-up collection resumed from each of its checkpoints (the cursor of every page, through the
 * switch from the API's newer posts to the archive's) gives exactly what one uninterrupted run gives:
 * nothing repeated, nothing lost.
 */
describe('TopUpSourceAdapter: resuming from any checkpoint', () => {
  let sandbox: RunningSandbox;
  let dir: string;
  let opened: OpenedImport;
  let adapter: TopUpSourceAdapter;
  let ctx: PlatformCallContext;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, accounts: [{ key: 'ria', twitter: { posts: 123, likes: 0, bookmarks: 0, followers: 0, following: 0 } }] });
    const { tweets, userId } = await xIds(sandbox, 'ria');
    // The archive: two archive-only posts and the account's 8 oldest; the API has 115 newer ones, two pages of it.
    const posts = [v11Tweet(1), v11Tweet(2), ...tweets.slice(-8).map((id, i) => v11Tweet(10 + i, { id_str: id, id }))];
    const entries = xArchiveEntries({ generation: 'modern', parts: [1] }).map((entry) => {
      if (entry.name === 'data/tweets.js') return { ...entry, data: `window.YTD.tweets.part0 = ${JSON.stringify(posts.map((tweet) => ({ tweet })))}` };
      return typeof entry.data === 'string' ? { ...entry, data: entry.data.replaceAll(X_ACCOUNT.accountId, userId) } : entry;
    });
    dir = mkdtempSync(join(tmpdir(), 'se-topup-'));
    writeFileSync(join(dir, 'archive.zip'), buildZip(entries));
    opened = await openImport(join(dir, 'archive.zip'), 'twitter');

    const tokens = await xTokens(sandbox, 'ria');
    const credentials = new InMemoryCredentialStore({ kind: 'oauth', accessToken: tokens.access_token, refreshToken: tokens.refresh_token });
    const api = new TwitterAdapter(readTwitterOptions(new SettingsReader({ ...sandbox.env })), new PlatformHttpClientFactory(FAST_HTTP));
    const archive = new ArchiveSourceAdapter(twitterDescriptor(0), undefined, opened.archive);
    adapter = new TopUpSourceAdapter(archive, api, (call) => ({ ...call, connectionId: 'x-connection', credentials }), 'tweets');
    ctx = { connectionId: 'import-1', credentials: new InMemoryCredentialStore({ kind: 'archive', uploadId: 'u', fileName: 'a.zip', bytes: 1, sha256: 'x', uploadedAt: new Date(0).toISOString() }), quota: { charge: () => undefined }, signal: new AbortController().signal };
  });
  afterAll(async () => {
    opened?.zip.close();
    rmSync(dir, { recursive: true, force: true });
    await sandbox?.close();
  });

  async function collect(plan: CollectionPlan, from?: Cursor): Promise<Page[]> {
    const pages: Page[] = [];
    for await (const page of adapter.pages(ctx, plan, from)) pages.push(page);
    return pages;
  }

  it('gives the same items, once each, from every page boundary', async () => {
    const plan = adapter.collections({ collections: ['tweets'] }).find((candidate) => candidate.collection === 'tweets') as CollectionPlan;
    const whole = await collect(plan);
    const ids = whole.flatMap((page) => page.items.map((item) => item.id));
    expect(ids).toHaveLength(125);
    expect(new Set(ids).size).toBe(125);
    expect(whole.flatMap((page) => page.items.map((item) => item.data.source))).toEqual([...Array<string>(115).fill('api'), ...Array<string>(10).fill('archive')]);

    expect(whole.length).toBeGreaterThanOrEqual(3);
    for (let cut = 0; cut < whole.length - 1; cut++) {
      const before = whole.slice(0, cut + 1).flatMap((page) => page.items.map((item) => item.id));
      const after = (await collect(plan, whole[cut].cursor)).flatMap((page) => page.items.map((item) => item.id));
      expect({ cut, ids: [...before, ...after] }).toEqual({ cut, ids });
    }
  });
});
