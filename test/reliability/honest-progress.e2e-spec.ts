import type { RunningSandbox } from '../../apps/platform-sandbox/src';
import { completed, exportState, startExport, waitFor } from '../support/export-client';
import type { TestApp } from '../support/test-app';
import { RecordingSocket, openSocket } from '../export/export-support';
import { connectYouTube, freshAccount, startYouTubeHarness } from '../youtube/youtube-support';

interface Progress {
  progress: number;
  processedItems: number;
  totalItems: number | null;
}

/**
 * What a user watching an export sees: a total known from the pre-flight estimate on, a progress bar
 * that only moves forward, and waits named for what they are, announced and ended over the socket.
 */
describe('Export progress and waits as a user sees them', () => {
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

  it('shows the estimated total from the first event and never moves backwards', async () => {
    await freshAccount(sandbox, { key: 'steady', videos: 237, playlists: 0, subscriptions: 0 });
    const user = await connectYouTube(t, sandbox, 'steady');
    const socket = openSocket(t, user.session.token);
    sockets.push(socket);
    const id = await startExport(t, user, { format: 'json', options: { collections: ['profile', 'videos'] } });
    const done = await completed(t, user, id);
    expect(done.processedItems).toBe(238);
    expect(done.totalItems).toBe(238);
    const events = socket.of('export:progress', id) as unknown as Progress[];
    expect(events.length).toBeGreaterThan(1);
    // The profile alone (1 item) is never shown as the whole export.
    for (const event of events) expect(event.totalItems).toBeGreaterThanOrEqual(200);
    for (const [index, event] of events.entries()) {
      expect(event.processedItems).toBeLessThanOrEqual(event.totalItems ?? 0);
      if (index > 0) expect(event.progress).toBeGreaterThanOrEqual(events[index - 1].progress);
    }
    expect(events.filter((event) => event.processedItems < (event.totalItems ?? 0)).length).toBeGreaterThan(0);
  });

  it('names a wait on a failing platform platform_unavailable, and announces the wait and the resume', async () => {
    await freshAccount(sandbox, { key: 'flaky', videos: 60, playlists: 0, subscriptions: 0 });
    const user = await connectYouTube(t, sandbox, 'flaky');
    const socket = openSocket(t, user.session.token);
    sockets.push(socket);
    const fault = sandbox.admin.addFault({ match: { api: 'videos.list', account: 'flaky' }, respond: 503, retryAfter: 3, times: 2 });
    try {
      const id = await startExport(t, user, { format: 'json', options: { collections: ['videos'] } });
      const waiting = await waitFor(t, user, id, (state) => state.waitReason !== null || state.status !== 'processing' && state.status !== 'queued');
      expect(waiting).toMatchObject({ status: 'processing', waitReason: 'platform_unavailable' });
      expect(waiting.resumeAt).not.toBeNull();
      await completed(t, user, id);
      // The status can read completed a moment before the event reaches the socket (through Redis in server mode).
      await socket.next((event) => event.name === 'export:complete' && event.payload.jobId === id);
      const names = socket.events.filter((event) => event.payload.jobId === id && event.name !== 'export:progress').map((event) => event.name);
      expect(names[0]).toBe('export:waiting');
      expect(names.slice(-2)).toEqual(['export:resumed', 'export:complete']);
      expect(socket.of('export:waiting', id)[0]).toMatchObject({ jobId: id, platform: 'youtube', waitReason: 'platform_unavailable' });
      expect((await exportState(t, user, id)).waitReason).toBeNull();
    } finally {
      sandbox.admin.removeFault(fault.id);
    }
  });
});
