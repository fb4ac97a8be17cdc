import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import type { AppConfig } from '../config/app-config';

/**
 * The web app (apps/web), built by Vite into dist/web of the package root, served at `/`. Hashed
 * assets are cached for good; any other path that is not a file (no dot in its last segment) gets the
 * app's page, so a reload of `/exports` works (history-API fallback). `/api` is never served from here.
 */
export function serveWebApp(app: NestExpressApplication, config: AppConfig, apiPrefix: string): boolean {
  const root = webAppDir();
  const index = root && join(root, 'index.html');
  if (!root || !index || !existsSync(index)) return false;
  const page = readFileSync(index, 'utf8').replace(
    '<meta name="star-export-google-sign-in" content="off" />',
    `<meta name="star-export-google-sign-in" content="${googleSignInLandsInApp(config) ? 'on' : 'off'}" />`,
  );
  const isApi = (path: string): boolean => path === `/${apiPrefix}` || path.startsWith(`/${apiPrefix}/`);

  app.useStaticAssets(join(root, 'assets'), {
    prefix: '/assets/',
    index: false,
    fallthrough: true,
    immutable: true,
    maxAge: '365d',
  });
  app.use((request: Request, response: Response, next: NextFunction) => {
    if (isApi(request.path) || (request.method !== 'GET' && request.method !== 'HEAD')) return next();
    const last = request.path.split('/').pop() ?? '';
    if (last.includes('.') || request.path.startsWith('/assets/')) return next();
    response.set('Cache-Control', 'no-cache').type('html').send(page);
  });
  return true;
}

/**
 * Google sign-in hands the session to the app in the URL fragment of FRONTEND_URL; without it the
 * callback answers JSON, which a browser user cannot use, so the app offers the button only then.
 */
function googleSignInLandsInApp(config: AppConfig): boolean {
  return Boolean(config.google.clientId && config.google.clientSecret && config.frontendUrl);
}

/** dist/web beside the package.json this file belongs to, from the sources or the compiled output. */
function webAppDir(): string | undefined {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'dist', 'web');
  }
  return undefined;
}
