import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ErrorCode, ErrorEnvelope } from '@app/contracts';
import type { NextFunction, Request, Response } from 'express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import loadOpenApiMetadata from './metadata';
import { ConfiguredIoAdapter } from './modules/export';
import { createValidationPipe } from './common/validation';
import { operationId, refineOpenApiDocument } from './common/openapi/openapi-document';
import type { AppConfig } from './config/app-config';
import { securityHeaders } from './web/security-headers';
import { serveWebApp } from './web/web-app';

export const API_PREFIX = 'api';
const BODY_LIMIT = '1mb';

/** Builds the configured application without listening, so main.ts and the tests share one setup. */
export async function createApp(config: AppConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), APP_OPTIONS);
  return configureApp(app, config);
}

export const APP_OPTIONS = { bufferLogs: true, bodyParser: false } as const;

/** Everything main.ts applies to a created app; tests that override providers call it too. */
export async function configureApp(app: NestExpressApplication, config: AppConfig): Promise<NestExpressApplication> {
  app.useLogger(app.get(Logger));
  app.useWebSocketAdapter(new ConfiguredIoAdapter(app, config.frontendUrl));
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  app.useBodyParser('json', { limit: BODY_LIMIT, strict: true });
  app.use(securityHeaders(config, `/${API_PREFIX}/docs`));
  app.enableCors({
    // No FRONTEND_URL: no browser origin is allowed at all, rather than every origin.
    origin: config.frontendUrl ? [config.frontendUrl] : false,
    credentials: true,
    exposedHeaders: ['Content-Disposition', 'Retry-After', 'X-Request-Id'],
  });
  serveWebApp(app, config, API_PREFIX);
  app.use(outsideApiPrefix);
  app.setGlobalPrefix(API_PREFIX);
  app.useGlobalPipes(createValidationPipe());
  if (config.apiDocs) await setUpOpenApi(app, config.publicUrl);
  return app;
}

/**
 * Nest answers unknown routes under /api with the error envelope, but leaves every other path
 * (`TRACE /`, a missing asset, any page when the web app is not built) to Express's HTML error page.
 * Those get the same 404 envelope; socket.io takes its own path before Express sees the request.
 */
function outsideApiPrefix(request: Request, response: Response, next: NextFunction): void {
  if (request.path === `/${API_PREFIX}` || request.path.startsWith(`/${API_PREFIX}/`)) return next();
  const envelope: ErrorEnvelope = { success: false, error: `Cannot ${request.method} ${request.path}`, code: ErrorCode.NOT_FOUND };
  response.status(404).json(envelope);
}

async function setUpOpenApi(app: INestApplication, publicUrl: string): Promise<void> {
  await SwaggerModule.loadPluginMetadata(loadOpenApiMetadata);
  const document = refineOpenApiDocument(
    SwaggerModule.createDocument(app, openApiConfig(), { operationIdFactory: operationId }),
    publicUrl,
  );
  SwaggerModule.setup(`${API_PREFIX}/docs`, app, document, { jsonDocumentUrl: `${API_PREFIX}/docs-json` });
}

export function openApiConfig(): ReturnType<DocumentBuilder['build']> {
  return new DocumentBuilder()
    .setTitle('Star Export API')
    .setDescription('Export your own data from YouTube, Facebook, Twitter/X and Instagram.')
    .setVersion('1.0.0')
    .setLicense('MIT', 'https://opensource.org/licenses/MIT')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
}
