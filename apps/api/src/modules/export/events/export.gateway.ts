import { Logger, OnModuleInit } from '@nestjs/common';
import { OnGatewayConnection, OnGatewayDisconnect, OnGatewayInit, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import type { ExportEventMap, ExportProgressPayload } from '@app/contracts';
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
}

const roomOf = (userId: string): string => `user:${userId}`;
const sessionRoomOf = (sessionId: string): string => `session:${sessionId}`;

/** What the server emits: exactly the contract's export events. */
type ServerEvents = { [K in keyof ExportEventMap]: (payload: ExportEventMap[K]) => void };

/**
 * socket.io on the server's root path. The handshake must carry a valid access token in
 * `auth.token` (never the query string, which ends up in logs); the socket then joins only its
 * user's room and is disconnected when the token expires or its session ends (logout, refresh-token
 * reuse, a Google link; announced to every instance by SessionEvents). Events come from the event bus, so
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
    this.events.onUserEvent((event) => this.server?.to(roomOf(event.userId)).emit(event.name, event.payload));
    this.sessionEvents.onEnded((sessionIds) => this.server?.in(sessionIds.map(sessionRoomOf)).disconnectSockets(true));
  }

  afterInit(server: Server): void {
    server.use((socket, next) => {
      void this.authenticate(socket).then(
        (data) => {
          if (!data) return next(new Error('INVALID_TOKEN'));
          if ((server.sockets.adapter.rooms.get(roomOf(data.userId))?.size ?? 0) >= MAX_SOCKETS_PER_USER) {
            return next(new Error('TOO_MANY_CONNECTIONS'));
          }
          socket.data = data;
          next();
        },
        () => next(new Error('INVALID_TOKEN')),
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
    data.expiryTimer = setTimeout(() => socket.disconnect(true), Math.max(0, data.expiresAt - Date.now()));
    data.expiryTimer.unref();
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
    if (data?.expiryTimer) clearTimeout(data.expiryTimer);
  }

  private async authenticate(socket: Socket): Promise<SocketData | undefined> {
    const token: unknown = (socket.handshake.auth as Record<string, unknown> | undefined)?.token;
    if (typeof token !== 'string' || token.length > 4096) return undefined;
    const session = await this.sessions.identify(token);
    if (!session) return undefined;
    const expiresAt = expiryOf(token);
    return expiresAt ? { userId: session.user.id, sessionId: session.sessionId, expiresAt } : undefined;
  }
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
