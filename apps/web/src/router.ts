import { useEffect, useState } from 'react';

/** The app's pages; the server answers every one of these paths with the app (history-API fallback). */
export type Route = '/' | '/signin' | '/register' | '/platforms' | '/exports/new' | '/exports/import' | '/exports';

const ROUTES: readonly Route[] = ['/', '/signin', '/register', '/platforms', '/exports/new', '/exports/import', '/exports'];

export function currentRoute(): Route {
  const path = window.location.pathname.replace(/\/+$/, '') || '/';
  return (ROUTES as readonly string[]).includes(path) ? (path as Route) : '/';
}

export function navigate(to: Route, replace = false): void {
  if (replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const update = (): void => setRoute(currentRoute());
    window.addEventListener('popstate', update);
    return () => window.removeEventListener('popstate', update);
  }, []);
  return route;
}
