import type { NextFunction, Request, Response } from 'express';
import { invalidFormat } from './api-error';

const MAX_DEPTH = 32;
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** The one route that takes multipart/form-data (an archive upload), which streams its body itself. */
const MULTIPART_ROUTES = new Set(['POST /api/export/import']);

/**
 * Refuses, with 400 INVALID_FORMAT, request bodies that validation would not report properly:
 * - a body that is not JSON (text/plain, forms): it would otherwise reach validation as "missing fields"
 *   (the archive upload route reads its multipart body itself, and checks it there);
 * - deep nesting: class-transformer recurses, and 10,000 levels overflow the stack into a 500;
 * - prototype keys: class-transformer skips `__proto__`/`constructor`, so forbidNonWhitelisted never
 *   sees them.
 * The walk is iterative, so the check itself cannot overflow. Applied to every route (AppModule).
 */
export function checkJsonBody(req: Request, _res: Response, next: NextFunction): void {
  if (MULTIPART_ROUTES.has(`${req.method} ${req.originalUrl.split('?')[0]}`)) return next();
  // An empty body (POST /cancel sends none) is no body, whatever its headers say.
  const empty = req.headers['content-length'] === '0' && req.headers['transfer-encoding'] === undefined;
  // null: no body at all; false: a body of another type.
  if (!empty && req.is('application/json') === false) {
    return next(invalidFormat('Send the request body as JSON (Content-Type: application/json)'));
  }
  const pending: [value: unknown, depth: number][] = [[req.body, 0]];
  while (pending.length > 0) {
    const [value, depth] = pending.pop() as [unknown, number];
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_DEPTH) return next(invalidFormat(`JSON body is nested more than ${MAX_DEPTH} levels deep`));
    for (const [key, child] of Object.entries(value)) {
      if (PROTOTYPE_KEYS.has(key)) return next(invalidFormat(`Property "${key}" is not allowed`));
      pending.push([child, depth + 1]);
    }
  }
  next();
}
