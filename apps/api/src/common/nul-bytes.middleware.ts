import type { NextFunction, Request, Response } from 'express';
import type { ValidationDetail } from '@app/contracts';
import { invalidFormat } from './api-error';

const NUL = '\u0000';

/**
 * Refuses, with 400 INVALID_FORMAT, a request carrying a NUL character in its URL path, a query
 * value or key, or any string or key of its JSON body. No field of the API can hold one, and
 * PostgreSQL refuses NUL in text, so it would otherwise surface as a 500 from whichever query first
 * sees it. Checking here, before guards and validation, covers every route once, including the
 * parameters a guard reads itself (OAuth callbacks).
 */
export function rejectNulBytes(req: Request, _res: Response, next: NextFunction): void {
  const found: ValidationDetail[] = [];
  // originalUrl: `path` is relative to where the middleware is mounted.
  if (pathHasNul(req.originalUrl.split('?')[0])) found.push(detail('path'));
  for (const field of nulFields(req.query, '')) found.push(detail(field));
  for (const field of nulFields(req.body, '')) found.push(detail(field));
  if (found.length === 0) return next();
  next(invalidFormat('The request contains a NUL character (\\u0000), which no field accepts', found));
}

function detail(field: string): ValidationDetail {
  return { field, messages: [`${field} must not contain NUL characters`] };
}

/** Express decodes route parameters itself, so `%00` in any segment becomes a NUL in a parameter. */
function pathHasNul(path: string): boolean {
  if (path.includes(NUL)) return true;
  if (!/%00/i.test(path)) return false;
  return path.split('/').some((segment) => {
    try {
      return decodeURIComponent(segment).includes(NUL);
    } catch {
      // A malformed escape is the router's to refuse; it cannot decode to a NUL either.
      return false;
    }
  });
}

/**
 * Dotted names of the strings (or keys) that hold a NUL. Iterative, so a deep body cannot overflow
 * the stack; checkJsonBody bounds the depth anyway.
 */
function nulFields(root: unknown, prefix: string): string[] {
  const fields: string[] = [];
  const pending: [value: unknown, path: string][] = [[root, prefix]];
  while (pending.length > 0) {
    const [value, path] = pending.pop() as [unknown, string];
    if (typeof value === 'string') {
      if (value.includes(NUL)) fields.push(path || 'body');
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    for (const [key, child] of Object.entries(value)) {
      const name = path ? `${path}.${key.replaceAll(NUL, '\\u0000')}` : key.replaceAll(NUL, '\\u0000');
      if (key.includes(NUL)) fields.push(name);
      else pending.push([child, name]);
    }
  }
  return fields.reverse();
}
