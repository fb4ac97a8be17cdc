import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import type { AppConfig } from '../config/app-config';

type Directives = Record<string, string[] | null>;

/**
 * Helmet with two content security policies. The web app and the API get a strict one: scripts and
 * styles only from files of this origin, no inline code; API calls and socket.io to this origin. Only
 * Swagger UI (/api/docs), which needs inline scripts and styles, gets those. On plain HTTP
 * (PUBLIC_URL http://, e.g. a LAN host) `upgrade-insecure-requests` is left out: it would make the
 * browser fetch the page's own scripts over HTTPS, which such a host does not serve.
 */
export function securityHeaders(config: AppConfig, docsPath: string): RequestHandler {
  const plainHttp = new URL(config.publicUrl).protocol === 'http:';
  const common: Directives = {
    defaultSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    upgradeInsecureRequests: plainHttp ? null : [],
  };
  const strict = headers({ ...common, scriptSrc: ["'self'"], styleSrc: ["'self'"], connectSrc: ["'self'"] });
  const docs = headers({ ...common, scriptSrc: ["'self'", "'unsafe-inline'"], styleSrc: ["'self'", "'unsafe-inline'"] });
  return (request: Request, response: Response, next: NextFunction) =>
    (request.path === docsPath || request.path.startsWith(`${docsPath}/`) ? docs : strict)(request, response, next);
}

function headers(directives: Directives): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: true, directives },
    crossOriginResourcePolicy: { policy: 'same-site' },
    // HSTS over plain HTTP is ignored by browsers anyway; over HTTPS it stays helmet's default.
  });
}
