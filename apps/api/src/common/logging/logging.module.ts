import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Module, OnApplicationShutdown } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { destination } from 'pino';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.token';
import { redactUrl } from './redact-url';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Headers and body fields that may carry credentials; pino replaces their values. */
const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.refreshToken',
  '*.accessToken',
  '*.access_token',
  '*.refresh_token',
  '*.code',
];

/**
 * Log lines are written to stdout in the background, what piles up during one write going out
 * with the next, so no request waits on a synchronous write. One per process, as stdout is; pino
 * flushes what is left when the process exits, and every app flushes it on shutdown.
 */
let stdoutDestination: ReturnType<typeof destination> | undefined;
function logDestination(): ReturnType<typeof destination> {
  stdoutDestination ??= destination({ dest: 1, sync: false });
  return stdoutDestination;
}

/**
 * Structured JSON logs (pino). Every request gets an id, taken from a well-formed X-Request-Id or
 * generated, echoed in the response header and carried by every log line of that request.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        pinoHttp: [
          {
          level: config.logLevel,
          redact: { paths: REDACT_PATHS, censor: '[redacted]' },
          genReqId: (req: IncomingMessage, res: ServerResponse) => {
            const incoming = req.headers['x-request-id'];
            const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
            res.setHeader('X-Request-Id', id);
            return id;
          },
          serializers: {
            req: (req: { id: string; method: string; url: string }) => ({
              id: req.id,
              method: req.method,
              url: redactUrl(req.url),
            }),
            res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
          },
          customLogLevel: (_req: IncomingMessage, res: ServerResponse, error?: Error) =>
            error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
          },
          logDestination(),
        ],
        forRoutes: ['*path'],
      }),
    }),
  ],
})
export class LoggingModule implements OnApplicationShutdown {
  onApplicationShutdown(): void {
    try {
      stdoutDestination?.flushSync();
    } catch {
      // Still opening, or stdout is gone: pino's exit hook flushes whatever it still can.
    }
  }
}
