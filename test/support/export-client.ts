import request from 'supertest';
import type { Session } from './auth-helpers';
import { sleep } from './pacing';

/**
 * Where the export routes are served. The helpers take any `{ url }`, so the same calls drive an
 * in-process test app and a service started as a process of its own.
 */
export interface Service {
  url: string;
}

/** A signed-in user calling the export routes. */
export interface ExportCaller {
  session: Session;
  auth: { Authorization: string };
  /** Waits so that this user's requests stay under the export rate limit (10 per second). */
  pace(): Promise<void>;
}

/** A user with a platform connected. */
export interface ExportUser extends ExportCaller {
  /** The platform `startExport` exports from. */
  platform: string;
}

export interface ExportState {
  id: string;
  status: string;
  progress: number;
  processedItems: number;
  totalItems: number | null;
  waitReason: string | null;
  resumeAt: string | null;
  error: { code: string; message: string } | null;
  downloadUrl: string | null;
  warnings: string[];
  [key: string]: unknown;
}

/** Starts an export of the user's platform and returns its job id. */
export async function startExport(service: Service, user: ExportUser, body: { format: string; options?: object }): Promise<string> {
  await user.pace();
  const res = await request(service.url).post('/api/export/start').set(user.auth).send({ platform: user.platform, ...body });
  if (res.status !== 201) throw new Error(`start failed: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body as { data: { jobId: string } }).data.jobId;
}

export async function exportState(service: Service, user: ExportCaller, id: string): Promise<ExportState> {
  await user.pace();
  const res = await request(service.url).get(`/api/export/${id}`).set(user.auth);
  if (res.status !== 200) throw new Error(`GET export failed: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body as { data: ExportState }).data;
}

export const finished = (state: ExportState): boolean => ['completed', 'failed', 'cancelled'].includes(state.status);

/** How long `waitFor` keeps polling: a number of polls after the first, or a time from the first. */
export type PollLimit = { attempts: number } | { timeoutMs: number };

const POLL_INTERVAL_MS = 200;

/** Polls (paced) until `done` holds; bounded, so a broken export fails the test instead of hanging it. */
export async function waitFor(
  service: Service,
  user: ExportCaller,
  id: string,
  done: (state: ExportState) => boolean,
  limit: PollLimit = { attempts: 240 },
): Promise<ExportState> {
  const attempts = 'attempts' in limit ? limit.attempts : Infinity;
  const deadline = 'timeoutMs' in limit ? Date.now() + limit.timeoutMs : Infinity;
  let state = await exportState(service, user, id);
  for (let i = 0; i < attempts && Date.now() < deadline && !done(state); i += 1) {
    await sleep(POLL_INTERVAL_MS);
    state = await exportState(service, user, id);
  }
  if (!done(state)) {
    const within = 'attempts' in limit ? `${limit.attempts} polls` : `${limit.timeoutMs} ms`;
    throw new Error(`export ${id} did not get there within ${within}; last state ${JSON.stringify(state)}`);
  }
  return state;
}

/** Waits for a finished export and insists it completed. */
export async function completed(service: Service, user: ExportCaller, id: string, timeoutMs = 60_000): Promise<ExportState> {
  const state = await waitFor(service, user, id, finished, { timeoutMs });
  if (state.status !== 'completed') throw new Error(`export ${id} ended ${state.status}: ${JSON.stringify(state)}`);
  return state;
}
