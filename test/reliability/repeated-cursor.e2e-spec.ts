import type { RunningSandbox } from '../../apps/platform-sandbox/src';
import { archiveIds, withArchive } from '../support/archive';
import type { Manifest } from '../support/archive';
import { completed, startExport } from '../support/export-client';
import type { TestApp } from '../support/test-app';
import { RecordingSocket, openSocket } from '../export/export-support';
import { apiCalls, connectYouTube, freshAccount, pageKey, startYouTubeHarness } from '../youtube/youtube-support';

/**
 * A platform that sends the page cursor it was just given: the page is asked once more, and when the
 * collection still cannot be completed the export says so, with counts, where its user looks (its
 * status, the export:complete event, the manifest) and not only in errors.json.
 */
describe('An export whose platform repeats a page cursor', () => {
  let sandbox: RunningSandbox;
  let t: TestApp;
  let stop: (() => Promise<void>) | undefined;
  const sockets: RecordingSocket[] = [];

  beforeAll(async () => {
    ({ sandbox, t, close: stop } = await startYouTubeHarness());
  }, 600_000);
  afterAll(async () => {
    for (const socket of sockets) socket.socket.close();
    await stop?.();
  });

  const subscriptionsOnly = { format: 'json', options: { collections: ['subscriptions'] } };

  it('asks for the page again when the cursor repeats once, and collects everything', async () => {
    const served = await freshAccount(sandbox, { key: 'echo-once', videos: 0, playlists: 0, subscriptions: 130 });
    const user = await connectYouTube(t, sandbox, 'echo-once');
    const since = sandbox.admin.log().lastSeq;
    const fault = sandbox.admin.addFault({ match: { api: 'subscriptions.list', account: 'echo-once', page: 2 }, respond: 'repeat-cursor', times: 1 });
    try {
      const id = await startExport(t, user, subscriptionsOnly);
      const done = await completed(t, user, id);
      expect(done.warnings).toEqual([]);
      await withArchive(t, user, id, (archive) => {
        expect(archiveIds(archive, 'json', 'subscriptions').sort()).toEqual([...served.subscriptions].sort());
      });
    } finally {
      sandbox.admin.removeFault(fault.id);
    }
    const repeated = apiCalls(sandbox, 'echo-once', since).filter((entry) => entry.fault?.endsWith(':repeat-cursor'));
    expect(repeated).toHaveLength(1);
    expect(apiCalls(sandbox, 'echo-once', since).filter((entry) => pageKey(entry) === pageKey(repeated[0]))).toHaveLength(2);
  });

  it('says how many items were skipped and why when the cursor keeps repeating', async () => {
    await freshAccount(sandbox, { key: 'echo-always', videos: 0, playlists: 0, subscriptions: 130 });
    const user = await connectYouTube(t, sandbox, 'echo-always');
    const socket = openSocket(t, user.session.token);
    sockets.push(socket);
    const fault = sandbox.admin.addFault({
      match: { api: 'subscriptions.list', account: 'echo-always', page: 2 },
      respond: 'repeat-cursor',
      times: 'forever',
    });
    try {
      const id = await startExport(t, user, subscriptionsOnly);
      const done = await completed(t, user, id);
      const shortfall = expect.stringMatching(/^subscriptions: 30 of 130 items could not be collected \(YouTube kept sending the same page token/);
      expect(done.warnings).toContainEqual(shortfall);
      const event = await socket.next((received) => received.name === 'export:complete' && received.payload.jobId === id);
      expect(event.payload.warnings).toEqual(done.warnings);
      await withArchive(t, user, id, (archive) => {
        expect(archiveIds(archive, 'json', 'subscriptions')).toHaveLength(100);
        expect(archive.json<Manifest>('manifest.json').warnings).toContainEqual(shortfall);
      });
    } finally {
      sandbox.admin.removeFault(fault.id);
    }
  });
});
