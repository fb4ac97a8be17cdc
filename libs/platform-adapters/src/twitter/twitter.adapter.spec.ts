import { startSandbox, type RunningSandbox } from '../../../../apps/platform-sandbox/src';
import { xTokens } from '../../../../test/twitter/twitter-support';
import type { PlatformCallContext } from '../adapter/call-context';
import { InMemoryCredentialStore, type PlatformCredentials } from '../adapter/credentials';
import { CredentialsRejectedError } from '../errors';
import { PlatformHttpClientFactory } from '../http/platform-http-client.factory';
import { SettingsReader } from '../settings/settings-reader';
import { FAST_HTTP } from '../../test/options';
import { TwitterAdapter } from './twitter.adapter';
import { readTwitterOptions } from './twitter.options';

/**
 * Two workers (two processes: two adapters, two HTTP clients, one credential store) find the same
 * connection's access token dead at the same moment and both refresh it. X rotates refresh tokens, so
 * the second refresh is refused; the user must not be locked out for it.
 */
describe('TwitterAdapter: refresh-token rotation across processes', () => {
  let sandbox: RunningSandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, accounts: [{ key: 'rae', twitter: { posts: 3, followers: 2, following: 1 } }] });
  });
  afterAll(() => sandbox.close());

  const adapter = (): TwitterAdapter => new TwitterAdapter(readTwitterOptions(new SettingsReader({ ...sandbox.env })), new PlatformHttpClientFactory(FAST_HTTP));

  /** One shared store, as the vault is for every process; saving takes a moment, as a database write does. */
  function sharedContext(initial: PlatformCredentials): { ctx: () => PlatformCallContext; store: InMemoryCredentialStore } {
    const store = new InMemoryCredentialStore(initial);
    const ctx = (): PlatformCallContext => ({
      connectionId: 'connection-1',
      credentials: {
        load: () => store.load(),
        save: async (next) => {
          await new Promise((resolve) => setTimeout(resolve, 100));
          await store.save(next);
        },
      },
      quota: { charge: () => undefined },
      signal: new AbortController().signal,
    });
    return { ctx, store };
  }

  it('lets both workers go on with the tokens the winning refresh stored', async () => {
    const tokens = await xTokens(sandbox, 'rae');
    const { ctx, store } = sharedContext({ kind: 'oauth', accessToken: tokens.access_token, refreshToken: tokens.refresh_token });
    sandbox.admin.expireTokens({ account: 'rae', afterCalls: 0 });
    const since = sandbox.admin.log().lastSeq;

    const [first, second] = await Promise.all([adapter().verifyCredentials(ctx()), adapter().verifyCredentials(ctx())]);
    expect(first.accountId).toBe(second.accountId);
    const refreshes = sandbox.admin.log({ api: 'twitter.oauth.token', since }).entries.map((entry) => entry.status);
    // Both asked; X honoured one and refused the retired token.
    expect(refreshes.sort()).toEqual([200, 400]);
    const stored = await store.load();
    expect(stored.kind === 'oauth' && stored.refreshToken).not.toBe(tokens.refresh_token);
  });

  it('still reports a refresh token nobody replaced as a lost connection', async () => {
    const tokens = await xTokens(sandbox, 'rae');
    const { ctx } = sharedContext({ kind: 'oauth', accessToken: tokens.access_token, refreshToken: tokens.refresh_token });
    sandbox.admin.invalidateGrants({ account: 'rae' });
    await expect(adapter().verifyCredentials(ctx())).rejects.toBeInstanceOf(CredentialsRejectedError);
  });
});
