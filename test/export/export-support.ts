import { randomBytes } from 'node:crypto';
import type { PlatformAdapter } from '@app/platform-adapters';
import { io } from 'socket.io-client';
import type { ManagerOptions, Socket, SocketOptions } from 'socket.io-client';
import request from 'supertest';
import { registerUser, signHs256 } from '../support/auth-helpers';
import type { RegisteredUser } from '../support/auth-helpers';
import type { ExportUser } from '../support/export-client';
import { FIXTURE } from '../support/fixture-adapter';
import { pacer } from '../support/pacing';
import { createScratchDatabase, flushRedis, startTestApp } from '../support/test-app';
import type { TestApp, TestEnv } from '../support/test-app';

/** A new user whose fixture platform is connected. */
export async function connectedUser(t: TestApp): Promise<ExportUser & Pick<RegisteredUser, 'email' | 'password'>> {
  const { session, email, password } = await registerUser(t);
  const auth = { Authorization: `Bearer ${session.token}` };
  await request(t.url).post(`/api/platforms/${FIXTURE}/connect`).set(auth).send({ accessToken: 'fixture-token' }).expect(200);
  return { session, email, password, auth, platform: FIXTURE, pace: pacer() };
}

// ---------------------------------------------------------------------------------------------
// WebSocket clients, access tokens and a second app instance on the same database.
// ---------------------------------------------------------------------------------------------

/** One event a socket received, in arrival order. */
export interface ReceivedEvent {
  name: string;
  payload: Record<string, unknown>;
}

export interface RecordingSocket {
  socket: Socket;
  /** Every event the server sent this socket, in order. */
  events: ReceivedEvent[];
  /** The payloads of `name` events about `jobId` (all of them without a jobId). */
  of(name: string, jobId?: string): Record<string, unknown>[];
  /** Resolves with the first event (already received or still to come) that `match` accepts. */
  next(match: (event: ReceivedEvent) => boolean, timeoutMs?: number): Promise<ReceivedEvent>;
  /** Resolves when the socket connects; rejects with the server's reason on connect_error. */
  connected(timeoutMs?: number): Promise<void>;
  /** Resolves with connect_error's message; rejects if the socket connects instead. */
  refused(timeoutMs?: number): Promise<string>;
  /** Resolves with the reason when the socket is disconnected. */
  disconnected(timeoutMs?: number): Promise<string>;
  close(): void;
}

/**
 * A socket.io client exactly as the spec's client opens one (`io(url, { auth: { token } })` over
 * WebSocket), that records everything it receives. It does not reconnect by itself, so a refused or
 * dropped socket stays that way for the test to see; `options` may replace `auth` (e.g. with `query`).
 */
export function openSocket(t: Pick<TestApp, 'url'>, token: string | undefined, options: Partial<ManagerOptions & SocketOptions> = {}): RecordingSocket {
  const socket = io(t.url, {
    ...(token === undefined ? {} : { auth: { token } }),
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...options,
  });
  const events: ReceivedEvent[] = [];
  const waiters: { match: (event: ReceivedEvent) => boolean; resolve: (event: ReceivedEvent) => void }[] = [];
  socket.onAny((name: string, payload: Record<string, unknown>) => {
    const event = { name, payload };
    events.push(event);
    for (const waiter of [...waiters]) {
      if (waiter.match(event)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(event);
      }
    }
  });
  const bounded = <T>(timeoutMs: number, what: string, run: (resolve: (value: T) => void, reject: (error: Error) => void) => () => void): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      let cleanup: () => void = () => undefined;
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`socket: no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      cleanup = run(
        (value) => {
          clearTimeout(timer);
          cleanup();
          resolve(value);
        },
        (error) => {
          clearTimeout(timer);
          cleanup();
          reject(error);
        },
      );
    });
  return {
    socket,
    events,
    of: (name, jobId) => events.filter((event) => event.name === name && (jobId === undefined || event.payload.jobId === jobId)).map((event) => event.payload),
    next: (match, timeoutMs = 30_000) => {
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen);
      return bounded<ReceivedEvent>(timeoutMs, 'matching event', (resolve) => {
        const waiter = { match, resolve };
        waiters.push(waiter);
        return () => {
          const index = waiters.indexOf(waiter);
          if (index >= 0) waiters.splice(index, 1);
        };
      });
    },
    connected: (timeoutMs = 10_000) => {
      if (socket.connected) return Promise.resolve();
      return bounded<void>(timeoutMs, 'connect', (resolve, reject) => {
        const onConnect = (): void => resolve();
        const onError = (error: Error): void => reject(new Error(`connect_error: ${error.message}`));
        socket.once('connect', onConnect);
        socket.once('connect_error', onError);
        return () => {
          socket.off('connect', onConnect);
          socket.off('connect_error', onError);
        };
      });
    },
    refused: (timeoutMs = 10_000) =>
      bounded<string>(timeoutMs, 'connect_error', (resolve, reject) => {
        const onConnect = (): void => reject(new Error('the socket connected'));
        const onError = (error: Error): void => resolve(error.message);
        socket.once('connect', onConnect);
        socket.once('connect_error', onError);
        return () => {
          socket.off('connect', onConnect);
          socket.off('connect_error', onError);
        };
      }),
    disconnected: (timeoutMs = 10_000) => {
      if (socket.disconnected && !socket.active) return Promise.resolve('already disconnected');
      return bounded<string>(timeoutMs, 'disconnect', (resolve) => {
        const onDisconnect = (reason: string): void => resolve(reason);
        socket.once('disconnect', onDisconnect);
        return () => socket.off('disconnect', onDisconnect);
      });
    },
    close: () => {
      socket.disconnect();
    },
  };
}

/** An access token of the app's exact shape (HS256, typ at+jwt), e.g. with an `exp` of the test's choosing. */
export function accessToken(t: TestApp, claims: { sub: string; jti: string; exp: number; iat?: number }, header: object = {}): string {
  return signHs256(
    { alg: 'HS256', typ: 'at+jwt', ...header },
    { iat: claims.iat ?? Math.floor(Date.now() / 1000) - 1, iss: t.config.jwt.issuer, aud: t.config.jwt.audience, ...claims },
    t.config.jwt.secret,
  );
}

/**
 * Several app instances acting as one deployment (server mode): a fresh scratch database and the
 * test Redis (flushed once, here), with the secrets every instance must share. Start each instance
 * with `start(role)`; `close()` stops them all and drops the database.
 */
export async function sharedDeployment(adapters: PlatformAdapter[], env: TestEnv = {}): Promise<{
  start(role: 'all' | 'api' | 'worker'): Promise<TestApp>;
  close(): Promise<void>;
}> {
  const redisUrl = process.env.REDIS_URL;
  if (!redisUrl) throw new Error('sharedDeployment needs REDIS_URL (server mode)');
  const database = await createScratchDatabase();
  await flushRedis(redisUrl);
  const shared: TestEnv = {
    TRUST_PROXY: '1',
    ...env,
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl,
    JWT_SECRET: randomBytes(48).toString('base64url'),
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  };
  const apps: TestApp[] = [];
  return {
    start: async (role) => {
      const app = await startTestApp({ ...shared, APP_ROLE: role }, adapters);
      apps.push(app);
      return app;
    },
    close: async () => {
      for (const app of apps.reverse()) await app.close();
      await database.drop();
    },
  };
}
