import type { OpenAPIObject } from '@nestjs/swagger';
import { PLATFORM_NAMES } from '@app/contracts';

/**
 * Names generated clients call: `client.POST('/api/export/start')` is typed either way, but SDK
 * generators that emit functions (orval, openapi-generator) name them after the operationId, and
 * Nest's default (`ExportController_start`) leaks the class layout into every client. A route
 * without a name here fails the OpenAPI test, so a new route has to choose one.
 */
const OPERATION_IDS: Record<string, string> = {
  HealthController_check: 'getHealth',
  AuthController_register: 'register',
  AuthController_login: 'login',
  AuthController_refresh: 'refreshTokens',
  AuthController_logout: 'logout',
  AuthController_me: 'getProfile',
  GoogleAuthController_start: 'startGoogleSignIn',
  GoogleAuthController_link: 'linkGoogleAccount',
  GoogleAuthController_callback: 'finishGoogleSignIn',
  PlatformsController_catalogue: 'listPlatforms',
  PlatformsController_connect: 'connectPlatform',
  PlatformsController_disconnect: 'disconnectPlatform',
  PlatformsController_status: 'getPlatformStatus',
  PlatformOAuthController_startOAuth: 'startPlatformOAuth',
  PlatformOAuthController_finishOAuth: 'finishPlatformOAuth',
  ExportController_start: 'startExport',
  ExportController_importArchive: 'importArchive',
  ExportController_list: 'listExports',
  ExportController_stats: 'getExportStats',
  ExportController_get: 'getExport',
  ExportController_cancel: 'cancelExport',
  ExportController_downloadLink: 'createDownloadLink',
  ExportController_download: 'downloadExport',
};

export function operationId(controllerKey: string, methodKey: string): string {
  const key = `${controllerKey}_${methodKey}`;
  return OPERATION_IDS[key] ?? key;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;

/**
 * What the decorators cannot say per route, applied once to the whole document:
 * - `servers`: the service's own origin (PUBLIC_URL); paths carry the `/api` prefix themselves.
 * - every route is rate limited (auth 5/s, export 10/s, everything else 100/min), so every
 *   operation declares 429 with its `Retry-After` header;
 * - a route that declares no security is public, and says so with `security: []` rather than
 *   leaving a client to guess;
 * - path parameters: `jobId` is a UUID and `platform` one of the build's platforms.
 */
export function refineOpenApiDocument(document: OpenAPIObject, publicUrl: string): OpenAPIObject {
  document.servers = [{ url: publicUrl, description: 'This Star Export service (PUBLIC_URL)' }];
  document.components ??= {};
  document.components.schemas ??= {};
  document.components.schemas.PlatformName = { type: 'string', enum: [...PLATFORM_NAMES] };
  for (const item of Object.values(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!operation) continue;
      operation.security ??= [];
      const limited = operation.responses['429'];
      operation.responses['429'] = {
        description: limited && 'description' in limited ? limited.description : 'RATE_LIMIT_EXCEEDED: over this route\'s rate limit; see Retry-After',
        headers: { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } } },
        content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelopeDto' } } },
      };
      for (const parameter of operation.parameters ?? []) {
        if (!('in' in parameter) || parameter.in !== 'path') continue;
        if (parameter.name === 'jobId') parameter.schema = { type: 'string', format: 'uuid' };
        if (parameter.name === 'platform') parameter.schema = { $ref: '#/components/schemas/PlatformName' };
      }
    }
  }
  return document;
}
