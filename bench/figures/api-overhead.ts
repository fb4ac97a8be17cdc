import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { sign } from 'jsonwebtoken';
import { BenchUser } from '../lib/api';
import { PinnedChild } from '../lib/child';
import type { BenchContext, RunningService } from '../lib/context';
import { copyExportRow, withDatabase } from '../lib/db';
import { median, ratio } from '../lib/stats';

export interface LoadRun {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

export interface ApiOverheadResult {
  connections: number;
  durationSeconds: number;
  users: number;
  responseBytes: number;
  service: LoadRun[];
  bare: LoadRun[];
  /** The minimal Nest + Express app (contenders/anchor-server.ts) on the same PostgreSQL. */
  anchor: LoadRun[];
  serviceRps: number;
  bareRps: number;
  anchorRps: number;
  serviceP99Ms: number;
  bareP99Ms: number;
  anchorP99Ms: number;
  /** service ÷ anchor requests per second (medians). */
  anchorRpsRatio: number;
  /** service ÷ bare requests per second (medians). */
  rpsRatio: number;
  /** service ÷ bare p99 latency (medians). */
  p99Ratio: number;
}

/** The export routes allow 10 requests per second per user. */
const PER_USER_PER_SECOND = 10;
/**
 * Users per 10 req/s of the warm-up. The limit counts fixed one-second windows and then blocks the user
 * for a second; a burst after a pause crosses it, and the fast 429s that follow raise the rate further.
 * With 1.5 a rep could end with 40 % of its answers 429s; the spare users cost only a few sign-ups.
 */
const USER_MARGIN = 2.5;

interface Target {
  users: BenchUser[];
  ids: string[];
}

function load(url: string, target: Target, connections: number, seconds: number): Promise<LoadRun> {
  let next = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        connections,
        pipelining: 1,
        duration: seconds,
        requests: [
          {
            method: 'GET',
            // Round robin over the users, so that no user passes the 10/s export limit: every request is a real 200.
            setupRequest: (request) => {
              next = (next + 1) % target.users.length;
              return {
                ...request,
                path: `/api/export/${target.ids[next]}`,
                headers: { ...request.headers, authorization: `Bearer ${target.users[next].token}` },
              };
            },
          },
        ],
      },
      (error, result) => {
        if (error) return reject(error);
        resolve({
          requestsPerSecond: result.requests.average,
          p50Ms: result.latency.p50,
          p99Ms: result.latency.p99,
          non2xx: result.non2xx,
          errors: result.errors,
        });
      },
    );
  });
}

/**
 * Figure 3: authenticated GET /api/export/:id through the whole service (Express, helmet, request
 * id, pino, JWT and session check, rate limiter, TypeORM on the service's PostgreSQL, embedded or not, envelope)
 * versus a bare node:http server answering the same bytes, and versus the anchor (a minimal Nest +
 * Express app that verifies a JWT and reads the row by primary key); autocannon, alternating.
 */
export async function apiOverheadFigure(
  ctx: BenchContext,
  running: RunningService,
  sourceJobId: string,
  options: { connections: number; seconds: number; warmupSeconds: number; reps: number; initialUsers: number },
): Promise<ApiOverheadResult> {
  const { api } = running;
  const target: Target = { users: [], ids: [] };
  const addUsers = async (count: number): Promise<void> => {
    const users: BenchUser[] = [];
    for (let i = 0; i < count; i += 4) {
      users.push(...(await Promise.all(Array.from({ length: Math.min(4, count - i) }, () => api.register('api')))));
    }
    const ids = await withDatabase(running.database, (client) => copyExportRow(client, sourceJobId, users.map((user) => user.id)));
    target.users.push(...users);
    target.ids.push(...ids);
  };
  const started = Date.now();
  await addUsers(options.initialUsers);
  ctx.log(`  ${target.users.length} users with an export each (${((Date.now() - started) / 1000).toFixed(1)} s)`);

  const sample = await api.call('GET', `/api/export/${target.ids[0]}`, { token: target.users[0].token });
  if (sample.status !== 200) throw new Error(`GET /api/export/:id answered ${sample.status}`);
  const bodyPath = join(ctx.workDir, 'export-status.json');
  writeFileSync(bodyPath, sample.text);
  const bare = PinnedChild.spawn<{ type: 'listening'; port: number }>(ctx.cpu, join(ctx.distDir, 'contenders/bare-server.js'), ['json', bodyPath]);
  // The anchor checks its own key: the same users and rows, with tokens it can verify.
  const anchorSecret = randomBytes(32).toString('base64url');
  const anchorServer = PinnedChild.spawn<{ type: 'listening'; port: number }>(ctx.cpu, join(ctx.distDir, 'contenders/anchor-server.js'), [], {
    ANCHOR_DATABASE: JSON.stringify(running.database),
    ANCHOR_JWT_SECRET: anchorSecret,
  });
  try {
    const { port } = await bare.next(15_000);
    const bareUrl = `http://127.0.0.1:${port}`;
    const anchorUrl = `http://127.0.0.1:${(await anchorServer.next(30_000)).port}`;
    const anchorTarget = (): Target => ({
      ids: target.ids,
      users: target.users.map((user) => ({ ...user, token: sign({ sub: user.id }, anchorSecret, { algorithm: 'HS256', expiresIn: '1h' }) })),
    });

    // Warm-up; then make sure there are enough users for the measured rate to stay under the limit.
    // The first warm-up still runs cold code and can reach half the rate of the next, so warm up again
    // after adding users, until a warm-up no longer asks for more (at most four rounds).
    let warm = await load(running.service.url, target, options.connections, options.warmupSeconds);
    for (let round = 0; round < 4; round += 1) {
      const needed = Math.ceil((warm.requestsPerSecond * USER_MARGIN) / PER_USER_PER_SECOND);
      if (round > 0 && needed <= target.users.length) break;
      if (needed > target.users.length) {
        ctx.log(`  warm-up reached ${warm.requestsPerSecond.toFixed(0)} req/s; adding users to ${needed}`);
        await addUsers(needed - target.users.length);
      }
      warm = await load(running.service.url, target, options.connections, options.warmupSeconds);
    }
    ctx.log(`  warm-up: service ${warm.requestsPerSecond.toFixed(0)} req/s (${warm.non2xx} non-2xx, ${target.users.length} users)`);
    await load(bareUrl, target, options.connections, options.warmupSeconds);
    const anchorUsers = anchorTarget();
    const anchorSample = await fetch(`${anchorUrl}/api/export/${anchorUsers.ids[0]}`, {
      headers: { authorization: `Bearer ${anchorUsers.users[0].token}` },
    });
    if (anchorSample.status !== 200) throw new Error(`the anchor answered ${anchorSample.status}`);
    await load(anchorUrl, anchorUsers, options.connections, options.warmupSeconds);

    const service: LoadRun[] = [];
    const reference: LoadRun[] = [];
    const anchor: LoadRun[] = [];
    const contenders = {
      service: { url: running.service.url, target, runs: service },
      bare: { url: bareUrl, target, runs: reference },
      anchor: { url: anchorUrl, target: anchorUsers, runs: anchor },
    };
    for (let rep = 0; rep < options.reps; rep += 1) {
      const order = rep % 2 === 0 ? (['service', 'anchor', 'bare'] as const) : (['bare', 'anchor', 'service'] as const);
      for (const contender of order) {
        const { url, target: users, runs } = contenders[contender];
        const run = await load(url, users, options.connections, options.seconds);
        runs.push(run);
        ctx.log(`  rep ${rep + 1} ${contender}: ${run.requestsPerSecond.toFixed(0)} req/s, p99 ${run.p99Ms} ms, non-2xx ${run.non2xx}`);
      }
    }
    const serviceRps = median(service.map((run) => run.requestsPerSecond));
    const bareRps = median(reference.map((run) => run.requestsPerSecond));
    const serviceP99Ms = median(service.map((run) => run.p99Ms));
    const bareP99Ms = median(reference.map((run) => run.p99Ms));
    const anchorRps = median(anchor.map((run) => run.requestsPerSecond));
    const anchorP99Ms = median(anchor.map((run) => run.p99Ms));
    return {
      connections: options.connections,
      durationSeconds: options.seconds,
      users: target.users.length,
      responseBytes: Buffer.byteLength(sample.text),
      service,
      bare: reference,
      anchor,
      serviceRps,
      bareRps,
      anchorRps,
      serviceP99Ms,
      bareP99Ms,
      anchorP99Ms,
      anchorRpsRatio: ratio(serviceRps, anchorRps),
      rpsRatio: ratio(serviceRps, bareRps),
      p99Ratio: ratio(serviceP99Ms, bareP99Ms),
    };
  } finally {
    await bare.stop();
    await anchorServer.stop();
  }
}
