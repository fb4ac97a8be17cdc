import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Module, OnApplicationShutdown } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { destination } from 'pino';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.token';
import { redactUrl } from './redact-url';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * Request and response lines carry only what their serializers below pick out (no headers, no body,
 * the URL with its secret parameters censored), so the one object logged as it is, an error, is where
 * a credential could still be. Paths name `err` alone: a wildcard path makes pino clone every object of
 * every log line to censor it, the largest allocation on a request's path. `err.code` stays readable
 * (ECONNREFUSED, invalid_grant): an OAuth code travels only in URLs, which are censored.
 */
const REDACT_PATHS = ['password', 'token', 'refreshToken', 'accessToken', 'access_token', 'refresh_token'].map((field) => `err.${field}`);

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
