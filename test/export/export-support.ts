import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { registerUser } from '../support/auth-helpers';
import type { Session } from '../support/auth-helpers';
import { FIXTURE } from '../support/fixture-adapter';
import type { TestApp } from '../support/test-app';

export interface ExportUser {
  session: Session;
  auth: { Authorization: string };
  /** Waits so that this user's requests stay under the export rate limit (10 per second). */
  pace(): Promise<void>;
}

/** Requests of one user at least this far apart: 8 per second, under the limit of 10. */
const PACE_MS = 125;

/** A new user whose fixture platform is connected. */
export async function connectedUser(t: TestApp): Promise<ExportUser> {
  const { session } = await registerUser(t);
  const auth = { Authorization: `Bearer ${session.token}` };
  await request(t.url).post(`/api/platforms/${FIXTURE}/connect`).set(auth).send({ accessToken: 'fixture-token' }).expect(200);
  let next = 0;
  const pace = async (): Promise<void> => {
    const now = Date.now();
    const at = Math.max(now, next);
    next = at + PACE_MS;
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
  };
  return { session, auth, pace };
}

export async function startExport(t: TestApp, user: ExportUser, body: object): Promise<string> {
  await user.pace();
  const res = await request(t.url).post('/api/export/start').set(user.auth).send({ platform: FIXTURE, ...body });
  if (res.status !== 201) throw new Error(`start failed: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body as { data: { jobId: string } }).data.jobId;
}

export interface ExportState {
  status: string;
  progress: number;
  processedItems: number;
  totalItems: number | null;
  waitReason: string | null;
  resumeAt: string | null;
  error: { code: string; message: string } | null;
  downloadUrl: string | null;
  [key: string]: unknown;
}

export async function exportState(t: TestApp, user: ExportUser, id: string): Promise<ExportState> {
  await user.pace();
  const res = await request(t.url).get(`/api/export/${id}`).set(user.auth).expect(200);
  return (res.body as { data: ExportState }).data;
}

/** Polls until `done` says so; bounded, so a broken export fails the test instead of hanging it. */
export async function waitFor(
  t: TestApp,
  user: ExportUser,
  id: string,
  done: (state: ExportState) => boolean,
  attempts = 240,
): Promise<ExportState> {
  let state = await exportState(t, user, id);
  for (let i = 0; i < attempts && !done(state); i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    state = await exportState(t, user, id);
  }
  if (!done(state)) throw new Error(`export ${id} did not get there; last state ${JSON.stringify(state)}`);
  return state;
}

export const finished = (state: ExportState): boolean => ['completed', 'failed', 'cancelled'].includes(state.status);

/** Downloads the archive and unpacks it into a temporary folder (after `unzip -t` checks it). */
export async function downloadAndUnzip(t: TestApp, user: ExportUser, id: string): Promise<{ dir: string; read: (name: string) => string; cleanup: () => void }> {
  await user.pace();
  const res = await request(t.url)
    .get(`/api/export/${id}/download`)
    .set(user.auth)
    .buffer(true)
    .parse((response, callback) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => callback(null, Buffer.concat(chunks)));
    })
    .expect(200);
  const dir = mkdtempSync(join(tmpdir(), 'se-export-'));
  const zip = join(dir, 'export.zip');
  writeFileSync(zip, res.body as Buffer);
  execFileSync('unzip', ['-tq', zip]);
  execFileSync('unzip', ['-oq', zip, '-d', join(dir, 'out')]);
  return {
    dir: join(dir, 'out'),
    read: (name) => readFileSync(join(dir, 'out', name), 'utf8'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
