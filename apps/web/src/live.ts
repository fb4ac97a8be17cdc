import { useEffect, useRef } from 'react';
import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import type { ExportEventMap } from '@app/contracts';
import { session } from './api/session';

type Handlers = { [E in keyof ExportEventMap]: (payload: ExportEventMap[E]) => void };
type ExportSocket = Socket<Handlers>;

/**
 * Export events over socket.io, with the session's current access token on every (re)connect. A
 * refused connection (expired token) refreshes the session once and tries again.
 */
export function useExportEvents(handlers: Handlers): void {
  const latest = useRef(handlers);
  latest.current = handlers;

  useEffect(() => {
    const socket: ExportSocket = io({ auth: (send) => send({ token: session.token }), transports: ['websocket', 'polling'] });
    socket.on('export:progress', (payload) => latest.current['export:progress'](payload));
    socket.on('export:complete', (payload) => latest.current['export:complete'](payload));
    socket.on('export:failed', (payload) => latest.current['export:failed'](payload));
    socket.on('export:cancelled', (payload) => latest.current['export:cancelled'](payload));
    socket.on('export:waiting', (payload) => latest.current['export:waiting'](payload));
    socket.on('export:resumed', (payload) => latest.current['export:resumed'](payload));
    let retried = false;
    socket.on('connect', () => (retried = false));
    socket.on('connect_error', () => {
      if (socket.active || retried) return;
      retried = true;
      void session.refresh().then((ok) => {
        if (ok) socket.connect();
        else session.end('Your session has ended. Please sign in again.');
      });
    });
    // The server closes a socket when its access token expires or its session ends.
    socket.on('disconnect', (reason) => {
      if (reason !== 'io server disconnect') return;
      void session.refresh().then((ok) => {
        if (ok) socket.connect();
        else session.end('Your session has ended. Please sign in again.');
      });
    });
    return () => {
      socket.disconnect();
    };
  }, []);
}
