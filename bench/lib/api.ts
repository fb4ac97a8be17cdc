import { randomUUID } from 'node:crypto';
import { io, Socket } from 'socket.io-client';

/** A signed-in Star Export user, as the API returns it on registration. */
export interface BenchUser {
  id: string;
  email: string;
  token: string;
}

export interface ExportState {
  jobId: string;
  status: string;
  progress: number;
  processedItems: number;
  totalItems: number | null;
  fileSize?: number | null;
  error: { code: string; message: string } | null;
  [key: string]: unknown;
}

interface Envelope<T> {
  success: boolean;
  data: T;
  error?: string;
  code?: string;
}

export interface ApiAnswer<T> {
  status: number;
  body: Envelope<T>;
  text: string;
}

let addresses = 0;

/**
 * A distinct client address for each registration. The service runs with TRUST_PROXY=1, so each
 * simulated user has its own budget under the 5/s authentication limit, as distinct people would.
 */
function nextAddress(): string {
  addresses += 1;
  return `10.${(addresses >> 16) & 255}.${(addresses >> 8) & 255}.${addresses & 255}`;
}

export class ApiClient {
  constructor(readonly base: string) {}

  async call<T>(method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(120_000),
    });
    const text = await response.text();
    let body: Envelope<T>;
    try {
      body = JSON.parse(text) as Envelope<T>;
    } catch {
      body = { success: false, data: undefined as T, error: text.slice(0, 200) };
    }
    return { status: response.status, body, text };
  }

  private expect<T>(answer: ApiAnswer<T>, status: number, what: string): T {
    if (answer.status !== status) throw new Error(`${what}: HTTP ${answer.status} ${answer.text.slice(0, 300)}`);
    return answer.body.data;
  }

  async register(label: string): Promise<BenchUser> {
    const email = `bench-${label}-${randomUUID().slice(0, 8)}@example.com`;
    const answer = await this.call<{ user: { id: string }; token: string }>('POST', '/api/auth/register', {
      body: { email, password: 'correct horse battery staple', name: `Bench ${label}` },
      headers: { 'x-forwarded-for': nextAddress() },
    });
    const data = this.expect(answer, 201, 'register');
    return { id: data.user.id, email, token: data.token };
  }

  async connectYouTube(user: BenchUser, tokens: { access_token: string; refresh_token?: string }): Promise<void> {
    const answer = await this.call('POST', '/api/platforms/youtube/connect', {
      token: user.token,
      body: { accessToken: tokens.access_token, ...(tokens.refresh_token ? { refreshToken: tokens.refresh_token } : {}) },
    });
    this.expect(answer, 200, 'connect YouTube');
  }

  async startExport(user: BenchUser, body: { platform: string; format: string; options?: Record<string, unknown> }): Promise<string> {
    const answer = await this.call<{ jobId: string }>('POST', '/api/export/start', { token: user.token, body });
    return this.expect(answer, 201, 'start export').jobId;
  }

  async exportState(user: BenchUser, id: string): Promise<ExportState> {
    return this.expect(await this.call<ExportState>('GET', `/api/export/${id}`, { token: user.token }), 200, 'export status');
  }

  /** Polls (twice a second, under the 10/s export limit) until the export is finished one way or another. */
  async waitFinished(user: BenchUser, id: string, timeoutMs: number): Promise<ExportState> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = await this.exportState(user, id);
      if (['completed', 'failed', 'cancelled'].includes(state.status)) return state;
      if (Date.now() > deadline) throw new Error(`export ${id} not finished after ${timeoutMs} ms: ${JSON.stringify(state)}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

export interface ProgressEvent {
  at: number;
  jobId: string;
  processedItems: number;
  progress: number;
}

export interface FinalEvent {
  at: number;
  name: 'export:complete' | 'export:failed' | 'export:cancelled';
  payload: Record<string, unknown>;
}

/** One user's socket.io connection, recording every export event with its arrival time (epoch ms). */
export class ExportEvents {
  readonly progress: ProgressEvent[] = [];
  private readonly finals = new Map<string, FinalEvent>();
  private readonly waiters = new Map<string, (event: FinalEvent) => void>();

  private constructor(private readonly socket: Socket) {
    socket.on('export:progress', (payload: { jobId: string; processedItems: number; progress: number }) => {
      this.progress.push({ at: Date.now(), jobId: payload.jobId, processedItems: payload.processedItems, progress: payload.progress });
    });
    for (const name of ['export:complete', 'export:failed', 'export:cancelled'] as const) {
      socket.on(name, (payload: Record<string, unknown> & { jobId: string }) => {
        const event = { at: Date.now(), name, payload };
        this.finals.set(payload.jobId, event);
        this.waiters.get(payload.jobId)?.(event);
      });
    }
  }

  static async open(base: string, token: string, timeoutMs = 30_000): Promise<ExportEvents> {
    const socket = io(base, { auth: { token }, transports: ['websocket'], reconnection: true, reconnectionDelay: 200 });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('socket.io did not connect')), timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once('connect_error', (error: Error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    return new ExportEvents(socket);
  }

  progressOf(jobId: string): ProgressEvent[] {
    return this.progress.filter((event) => event.jobId === jobId);
  }

  /** The export's final event, or undefined after `timeoutMs`. */
  async final(jobId: string, timeoutMs: number): Promise<FinalEvent | undefined> {
    const known = this.finals.get(jobId);
    if (known) return known;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(jobId);
        resolve(undefined);
      }, timeoutMs);
      this.waiters.set(jobId, (event) => {
        clearTimeout(timer);
        this.waiters.delete(jobId);
        resolve(event);
      });
    });
  }

  close(): void {
    this.socket.removeAllListeners();
    this.socket.close();
  }
}
