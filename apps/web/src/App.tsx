import { useEffect, useRef, useState } from 'react';
import { api } from './api/client';
import { session } from './api/session';
import type { SessionUser } from './api/session';
import { navigate, useRoute } from './router';
import type { Route } from './router';
import { readLanding } from './landing';
import { SignIn } from './pages/SignIn';
import { Platforms } from './pages/Platforms';
import { NewExport } from './pages/NewExport';
import { Exports } from './pages/Exports';
import { ImportArchive } from './pages/ImportArchive';

const PUBLIC: readonly Route[] = ['/signin', '/register'];

export function App(): React.JSX.Element {
  const route = useRoute();
  const [user, setUser] = useState<SessionUser | null>(session.user);
  const [restoring, setRestoring] = useState(session.hasStoredSession);
  const [notice, setNotice] = useState<string | null>(null);
  const [landing] = useState(readLanding);
  const main = useRef<HTMLElement>(null);

  useEffect(
    () =>
      session.subscribe((who, reason) => {
        setUser(who);
        if (!who) {
          if (reason) setNotice(reason);
          navigate('/signin', true);
        }
      }),
    [],
  );

  // A reload, or the return from Google sign-in: resume the session from the stored refresh token.
  useEffect(() => {
    if (landing.tokens) session.begin(landing.tokens, null);
    if (landing.error) setNotice(landing.error);
    if (!session.hasStoredSession) {
      setRestoring(false);
      return;
    }
    void (async () => {
      const ok = session.token !== null || (await session.refresh());
      if (!ok) {
        setRestoring(false);
        session.end('Your session has ended. Please sign in again.');
        return;
      }
      const { data } = await api.GET('/api/auth/me');
      if (data) session.setUser(data.data);
      setRestoring(false);
    })();
  }, [landing]);

  useEffect(() => {
    if (restoring) return;
    if (!user && !PUBLIC.includes(route)) navigate('/signin', true);
    if (user && (PUBLIC.includes(route) || route === '/')) navigate(landing.platformMessage || landing.googleLink ? '/platforms' : '/exports', true);
  }, [user, route, restoring, landing]);

  // Moving between pages puts keyboard and screen-reader focus on the new page's content.
  useEffect(() => {
    main.current?.focus();
    if (user) setNotice(null);
  }, [route, user]);

  const signOut = async (): Promise<void> => {
    const refreshToken = session.refreshToken();
    if (refreshToken) await api.POST('/api/auth/logout', { body: { refreshToken } }).catch(() => undefined);
    session.end('You are signed out.');
  };

  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="bar">
        <span className="brand">Star Export</span>
        {user && (
          <nav aria-label="Main">
            <NavLink to="/exports" route={route}>
              Exports
            </NavLink>
            <NavLink to="/exports/new" route={route}>
              New export
            </NavLink>
            <NavLink to="/exports/import" route={route}>
              Import an archive
            </NavLink>
            <NavLink to="/platforms" route={route}>
              Platforms
            </NavLink>
            <button type="button" className="link" onClick={() => void signOut()}>
              Sign out
            </button>
          </nav>
        )}
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        {notice && (
          <p className="notice" role="status">
            {notice}
          </p>
        )}
        {restoring ? (
          <p role="status">Loading…</p>
        ) : !user ? (
          <SignIn mode={route === '/register' ? 'register' : 'signin'} />
        ) : route === '/platforms' ? (
          <Platforms landing={landing.platformMessage} googleLink={landing.googleLink} />
        ) : route === '/exports/new' ? (
          <NewExport />
        ) : route === '/exports/import' ? (
          <ImportArchive />
        ) : (
          <Exports />
        )}
      </main>
    </>
  );
}

function NavLink({ to, route, children }: { to: Route; route: Route; children: React.ReactNode }): React.JSX.Element {
  return (
    <a
      href={to}
      aria-current={route === to ? 'page' : undefined}
      onClick={(event) => {
        if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
        event.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}
