import type { NextFunction, Request, Response } from 'express';

/**
 * Auth and export answers carry tokens and the user's own data: no browser or proxy may keep a
 * copy. Set before the guards run, so error answers (401, 429) carry it too.
 */
export function noStore(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Cache-Control', 'no-store');
  next();
}
