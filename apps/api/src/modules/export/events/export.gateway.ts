import { Logger, OnModuleInit } from '@nestjs/common';
import { OnGatewayConnection, OnGatewayDisconnect, OnGatewayInit, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import type { AuthRefreshAck, ExportProgressPayload, ServerToClientEventMap, SocketRefusal } from '@app/contracts';
import type { Server, Socket } from 'socket.io';
import { SessionEvents, Sessions } from '../../auth';
import { ExportJobRepository } from '../export-job.repository';
import { ExportEventBus } from './export-event-bus';

/** Sockets one user may hold open at once; more are refused rather than exhausting the server. */
export const MAX_SOCKETS_PER_USER = 20;

interface SocketData {
  userId: string;
  sessionId: string;
  expiresAt: number;
  expiryTimer?: NodeJS.Timeout;
  warningTimer?: NodeJS.Timeout;
}

type Identity = Pick<SocketData, 'userId' | 'sessionId' | 'expiresAt'>;

/** How long before its token expires a socket hears `auth:expiring`; half the lifetime for shorter tokens. */
export const EXPIRY_WARNING_MS = 60_000;

const roomOf = (userId: string): string => `user:${userId}`;
const sessionRoomOf = (sessionId: string): string => `session:${sessionId}`;

/** What the server emits: exactly the contract's socket events. */
type ServerEvents = { [K in keyof ServerToClientEventMap]: (payload: ServerToClientEventMap[K]) => void };

/**
 * socket.io on the server's root path. The handshake must carry a valid access token in
 * `auth.token` (never the query string, which ends up in logs); the socket then joins only its
 * user's room and is disconnected when the token expires or its session ends (logout, refresh-token
 * reuse, a Google link; announced to every instance by SessionEvents). Before the token expires the
 * socket hears `auth:expiring`; an `auth:refresh` message with a new access token of the same user
 * keeps it open, so a client never has to reconnect (and replay its subscriptions) every 15 minutes. Events come from the event bus, so
 * workers in any instance reach the owner's sockets; clients cannot join rooms.
 */
@WebSocketGateway()
export class ExportGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnModuleInit {
  private readonly logger = new Logger(ExportGateway.name);
  @WebSocketServer() private server: Server<Record<string, never>, ServerEvents>;

  constructor(
    private readonly sessions: Sessions,
    private readonly events: ExportEventBus,
    private readonly jobs: ExportJobRepository,
    private readonly sessionEvents: SessionEvents,
  ) {}

  onModuleInit(): void {
    // Widened to one event's signature: socket.io's typed emit cannot take a union of name and payload.
    this.events.onUserEvent((event) => this.server?.to(roomOf(event.userId)).emit(event.name as 'export:progress', event.payload as ExportProgressPayload));
    this.sessionEvents.onEnded((sessionIds) => this.server?.in(sessionIds.map(sessionRoomOf)).disconnectSockets(true));
  }

  afterInit(server: Server): void {
    server.use((socket, next) => {
      void this.authenticate(socket).then(
        (data) => {
          if (typeof data === 'string') return next(new Error(data));
          if ((server.sockets.adapter.rooms.get(roomOf(data.userId))?.size ?? 0) >= MAX_SOCKETS_PER_USER) {
            return next(new Error('TOO_MANY_CONNECTIONS'));
          }
          socket.data = data;
          next();
        },
        () => next(new Error('INVALID_TOKEN' satisfies SocketRefusal)),
      );
    });
  }

  async handleConnection(socket: Socket): Promise<void> {
    const data = socket.data as SocketData;
    if (!data?.userId) {
      socket.disconnect(true);
      return;
    }
    await socket.join([roomOf(data.userId), sessionRoomOf(data.sessionId)]);
    scheduleExpiry(socket, data);
    // A plain listener rather than @SubscribeMessage: the HTTP guards (bearer header, rate limits)
    // have nothing to read on a socket message, and this one carries its own token.
    socket.on('auth:refresh', (body: unknown, ack: unknown) => {
      void this.refreshAuth(socket, body).then((answer) => {
        if (typeof ack === 'function') (ack as (answer: AuthRefreshAck) => void)(answer);
      });
    });
    // A socket that (re)connects gets where its active exports stand, without replaying history.
    for (const job of await this.jobs.active(data.userId)) {
      const progress: ExportProgressPayload = {
        jobId: job.id,
        platform: job.platform,
        progress: job.progress,
        processedItems: job.processedItems,
        totalItems: job.totalItems,
      };
      socket.emit('export:progress', progress);
    }
  }

  handleDisconnect(socket: Socket): void {
    const data = socket.data as SocketData | undefined;
    if (data) clearTimers(data);
  }

  /**
   * Swaps the socket's access token for a newer one of the same user, typically the one
   * POST /api/auth/refresh just issued, and moves the expiry to the new token's. A refused token
   * leaves the socket as it was, still ending at the old expiry.
   */
  private async refreshAuth(socket: Socket, body: unknown): Promise<AuthRefreshAck> {
    const data = socket.data as SocketData;
    const token = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).token : undefined;
    if (token === undefined || token === '') return { ok: false, code: 'AUTH_REQUIRED' };
    const identity = await this.identify(token).catch(() => undefined);
    if (!identity || identity.userId !== data.userId) return { ok: false, code: 'INVALID_TOKEN' };
    if (identity.sessionId !== data.sessionId) {
      await socket.leave(sessionRoomOf(data.sessionId));
      await socket.join(sessionRoomOf(identity.sessionId));
    }
    Object.assign(data, identity);
    scheduleExpiry(socket, data);
    return { ok: true, expiresAt: new Date(data.expiresAt).toISOString() };
  }

  private async authenticate(socket: Socket): Promise<Identity | SocketRefusal> {
    const token: unknown = (socket.handshake.auth as Record<string, unknown> | undefined)?.token;
    if (token === undefined || token === null || token === '') return 'AUTH_REQUIRED';
    return (await this.identify(token)) ?? 'INVALID_TOKEN';
  }

  private async identify(token: unknown): Promise<Identity | undefined> {
    if (typeof token !== 'string' || token.length > 4096) return undefined;
    const session = await this.sessions.identify(token);
    if (!session) return undefined;
    const expiresAt = expiryOf(token);
    return expiresAt ? { userId: session.user.id, sessionId: session.sessionId, expiresAt } : undefined;
  }
}

function clearTimers(data: SocketData): void {
  clearTimeout(data.expiryTimer);
  clearTimeout(data.warningTimer);
}

/** Warns the socket before its token expires and disconnects it when it does. */
function scheduleExpiry(socket: Socket, data: SocketData): void {
  clearTimers(data);
  const remaining = Math.max(0, data.expiresAt - Date.now());
  const warnIn = remaining - Math.min(EXPIRY_WARNING_MS, remaining / 2);
  data.warningTimer = setTimeout(() => socket.emit('auth:expiring', { expiresAt: new Date(data.expiresAt).toISOString() }), warnIn);
  data.expiryTimer = setTimeout(() => socket.disconnect(true), remaining);
  data.warningTimer.unref();
  data.expiryTimer.unref();
}

/** The `exp` of a token that was already verified, in milliseconds. */
function expiryOf(token: string): number | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
