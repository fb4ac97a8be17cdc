import request from 'supertest';
import { FIXTURE, FixtureAdapter } from '../support/fixture-adapter';
import { TestApp, serverMode } from '../support/test-app';
import { ExportUser, exportState, startExport, waitFor } from '../support/export-client';
import { RecordingSocket, connectedUser, openSocket, sharedDeployment } from './export-support';

/**
 * Server mode runs the API and the workers as separate instances on one PostgreSQL and one Redis.
 * A socket is connected to an API instance while a worker instance runs the export: its events must
 * still reach the owner, through Redis. (Embedded mode is one process; nothing to cross.)
 */
(serverMode() ? describe : describe.skip)('Export events across instances', () => {
  const fixture = new FixtureAdapter();
  let deployment: Awaited<ReturnType<typeof sharedDeployment>>;
  let api: TestApp;
  let secondApi: TestApp;
  let owner: ExportUser;
  let other: ExportUser;
  const sockets: RecordingSocket[] = [];

  beforeAll(async () => {
    deployment = await sharedDeployment([fixture]);
    api = await deployment.start('api');
    secondApi = await deployment.start('api');
    await deployment.start('worker');
    owner = await connectedUser(api);
    other = await connectedUser(secondApi);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await deployment?.close();
  });

  it('delivers a worker instance’s progress and completion to sockets on every API instance, and only to the owner', async () => {
    fixture.reset({ totals: { posts: 300, photos: 0 }, pageDelayMs: 50 });
    const onApi = openSocket(api, owner.session.token);
    const onSecondApi = openSocket(secondApi, owner.session.token);
    const stranger = openSocket(api, other.session.token);
    sockets.push(onApi, onSecondApi, stranger);
    await Promise.all([onApi.connected(), onSecondApi.connected(), stranger.connected()]);

    const id = await startExport(api, owner, { format: 'json' });
    for (const socket of [onApi, onSecondApi]) {
      const complete = await socket.next((event) => event.name === 'export:complete' && event.payload.jobId === id, 30_000);
      expect(complete.payload).toEqual({ jobId: id, platform: FIXTURE, downloadUrl: `/api/export/${id}/download`, warnings: [] });
      const progress = socket.of('export:progress', id);
      expect(progress.length).toBeGreaterThanOrEqual(1);
      expect(progress[progress.length - 1]).toMatchObject({ jobId: id, platform: FIXTURE, processedItems: 300, totalItems: 300 });
    }
    expect(stranger.events).toEqual([]);

    // The API instance serves the archive the worker instance wrote.
    expect(await waitFor(api, owner, id, (state) => state.status === 'completed')).toMatchObject({ progress: 100 });
    await owner.pace();
    const download = await request(api.url).get(`/api/export/${id}/download`).set(owner.auth).expect(200);
    expect(download.headers['content-type']).toBe('application/zip');
  });

  it('carries a cancel from an API instance to the worker instance running the export', async () => {
    fixture.reset({ totals: { posts: 5_000, photos: 0 }, pageDelayMs: 100 });
    const socket = openSocket(secondApi, owner.session.token);
    sockets.push(socket);
    await socket.connected();
    const id = await startExport(api, owner, { format: 'json' });
    await socket.next((event) => event.name === 'export:progress' && event.payload.jobId === id && (event.payload.processedItems as number) > 0, 20_000);
    await owner.pace();
    await request(api.url).post(`/api/export/${id}/cancel`).set(owner.auth).expect(200);
    const cancelled = await socket.next((event) => event.name === 'export:cancelled' && event.payload.jobId === id, 20_000);
    expect(cancelled.payload).toEqual({ jobId: id, platform: FIXTURE });
    const servedAtCancel = [...fixture.served.values()].reduce((sum, count) => sum + count, 0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect([...fixture.served.values()].reduce((sum, count) => sum + count, 0)).toBe(servedAtCancel);
    expect((await exportState(api, owner, id)).status).toBe('cancelled');
  });
});
