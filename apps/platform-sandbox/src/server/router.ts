import type { Route } from './call';

export type RouteMatch = { route: Route; params: string[] } | { allowed: string[] } | null;

/** Finds the route for a path and method; a known path with another method reports what is allowed. */
export function matchRoute(routes: readonly Route[], method: string, path: string): RouteMatch {
  const allowed: string[] = [];
  const effective = method === 'HEAD' ? 'GET' : method;
  for (const route of routes) {
    let params: string[] | null = null;
    if (typeof route.path === 'string') params = route.path === path ? [] : null;
    else {
      const match = route.path.exec(path);
      params = match ? match.slice(1) : null;
    }
    if (params === null) continue;
    if (route.methods.includes(method) || route.methods.includes(effective)) return { route, params };
    allowed.push(...route.methods);
  }
  return allowed.length ? { allowed: [...new Set(allowed)] } : null;
}
