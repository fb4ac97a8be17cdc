import { RunningSandbox, startSandbox } from '../../apps/platform-sandbox/src';
import { YouTubeCall, admin, youtube } from './sandbox-client';

interface QuotaStatus {
  bucket: string;
  day: string;
  limit: number;
  used: number;
  remaining: number;
  resetsAt: string;
}

describe('platform sandbox: YouTube quota', () => {
  let sandbox: RunningSandbox;
  let yt: YouTubeCall;
  let uploads: string;

  // 10:00 UTC on 7 March 2026 is 02:00 PST on the 7th; the next Pacific midnight is 08:00 UTC on the 8th.
  const START = '2026-03-07T10:00:00.000Z';

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, now: START });
    uploads = sandbox.admin.account('alice').uploadsPlaylistId as string;
  });
  afterAll(async () => {
    await sandbox.close();
  });
  beforeEach(() => {
    sandbox.admin.reset();
    yt = youtube(sandbox, sandbox.admin.issueTokens({ account: 'alice' }).access_token);
  });

  const status = async (): Promise<QuotaStatus> => (await admin<{ quota: QuotaStatus }>(sandbox, 'GET', '/accounts/alice')).body.quota;

  it('bills one unit per list call, invalid requests included, and nothing for refused credentials', async () => {
    expect(await status()).toMatchObject({ limit: 10_000, used: 0, day: '2026-03-07', resetsAt: '2026-03-08T08:00:00.000Z' });
    await yt('channels', { part: 'contentDetails', mine: 'true' });
    await yt('playlistItems', { part: 'snippet', playlistId: uploads, maxResults: 50 });
    const invalid = await yt('playlistItems', { part: 'snippets', playlistId: uploads });
    expect(invalid.status).toBe(400);
    const unauthenticated = await youtube(sandbox, 'ya29.forged')('channels', { part: 'id', mine: 'true' });
    expect(unauthenticated.status).toBe(401);
    expect(await status()).toMatchObject({ used: 3, remaining: 9_997 });
    const log = await admin<{ units: Record<string, Record<string, number>>; counts: Record<string, number> }>(sandbox, 'GET', '/log');
    expect(log.body.units.alice).toEqual({ '2026-03-07': 3 });
    expect(log.body.counts).toEqual({ 'youtube.channels.list': 2, 'youtube.playlistItems.list': 2 });
  });

  it('answers 403 quotaExceeded once the day is spent, without billing further', async () => {
    await admin(sandbox, 'POST', '/quota', { account: 'alice', remaining: 2 });
    expect((await yt('channels', { part: 'id', mine: 'true' })).status).toBe(200);
    expect((await yt('channels', { part: 'id', mine: 'true' })).status).toBe(200);
    const refused = await yt('channels', { part: 'id', mine: 'true' });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toEqual({
      code: 403,
      message: 'The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-started#quota">quota</a>.',
      errors: [
        {
          message: 'The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-started#quota">quota</a>.',
          domain: 'youtube.quota',
          reason: 'quotaExceeded',
        },
      ],
    });
    expect(await status()).toMatchObject({ remaining: 0 });
    // Another account has its own quota.
    const bob = youtube(sandbox, sandbox.admin.issueTokens({ account: 'bob' }).access_token);
    expect((await bob('channels', { part: 'id', mine: 'true' })).status).toBe(200);
  });

  it('resets at midnight America/Los_Angeles on the controlled clock', async () => {
    await admin(sandbox, 'POST', '/quota', { account: 'alice', remaining: 0 });
    expect((await yt('channels', { part: 'id', mine: 'true' })).status).toBe(403);
    // 07:59:59 UTC on the 8th is still 23:59:59 PST on the 7th.
    await admin(sandbox, 'POST', '/clock', { set: '2026-03-08T07:59:59.000Z' });
    // Access tokens live an hour on the same clock, so take a fresh one after the jump.
    yt = youtube(sandbox, sandbox.admin.issueTokens({ account: 'alice' }).access_token);
    expect((await yt('channels', { part: 'id', mine: 'true' })).status).toBe(403);
    const clock = await admin<{ now: string }>(sandbox, 'POST', '/clock', { toNextPacificMidnight: true });
    expect(clock.body.now).toBe('2026-03-08T08:00:00.000Z');
    const fresh = await yt('channels', { part: 'id', mine: 'true' });
    expect(fresh.status).toBe(200);
    expect(await status()).toMatchObject({ day: '2026-03-08', used: 1, limit: 10_000 });
    const log = await admin<{ units: Record<string, Record<string, number>> }>(sandbox, 'GET', '/log');
    expect(log.body.units.alice).toEqual({ '2026-03-08': 1 });
  });

  it('knows that the quota day after the spring DST change starts at 07:00 UTC', async () => {
    // 12:00 UTC on the 8th is 05:00 PDT: daylight saving began at 02:00 that morning.
    await admin(sandbox, 'POST', '/clock', { set: '2026-03-08T12:00:00.000Z' });
    const clock = await admin<{ nextPacificMidnight: string }>(sandbox, 'GET', '/clock');
    expect(clock.body.nextPacificMidnight).toBe('2026-03-09T07:00:00.000Z');
  });

  it('takes a configured daily limit, per account or for everyone', async () => {
    await admin(sandbox, 'POST', '/quota', { account: 'alice', limit: 3 });
    for (let i = 0; i < 3; i++) expect((await yt('channels', { part: 'id', mine: 'true' })).status).toBe(200);
    expect((await yt('channels', { part: 'id', mine: 'true' })).status).toBe(403);
    await admin(sandbox, 'POST', '/quota', { defaultLimit: 1 });
    const bob = youtube(sandbox, sandbox.admin.issueTokens({ account: 'bob' }).access_token);
    expect((await bob('channels', { part: 'id', mine: 'true' })).status).toBe(200);
    expect((await bob('channels', { part: 'id', mine: 'true' })).status).toBe(403);
    const other = await startSandbox({ port: 0, quota: { dailyLimit: 7 }, accounts: [{ key: 'solo', quotaLimit: 2 }, { key: 'duo' }] });
    try {
      expect(other.admin.account('solo').quota.limit).toBe(2);
      expect(other.admin.account('duo').quota.limit).toBe(7);
    } finally {
      await other.close();
    }
  });

  it('can bill per OAuth client, as Google bills a Cloud project', async () => {
    const shared = await startSandbox({ port: 0, quota: { dailyLimit: 2, scope: 'client' } });
    try {
      const a = youtube(shared, shared.admin.issueTokens({ account: 'alice' }).access_token);
      const b = youtube(shared, shared.admin.issueTokens({ account: 'bob' }).access_token);
      expect((await a('channels', { part: 'id', mine: 'true' })).status).toBe(200);
      expect((await b('channels', { part: 'id', mine: 'true' })).status).toBe(200);
      expect((await a('channels', { part: 'id', mine: 'true' })).status).toBe(403);
    } finally {
      await shared.close();
    }
  });
});
