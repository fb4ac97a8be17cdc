import { useId, useState } from 'react';
import { api, messageOf } from '../api/client';
import type { Schemas } from '../api/client';
import { field } from '../form-data';

type Platform = Schemas['PlatformView'];
type ConnectView = Schemas['ConnectPlatformView'];

/**
 * The contract's limit for `cookies` text: a whole browser's cookies.txt can be long, and a paste cut
 * short by a smaller limit could lose sessionid.
 */
const COOKIES_MAX_LENGTH = 262_144;

/** What a successful connect said: its message and any warnings about using the connection. */
export interface ConnectAnswer {
  message: string;
  warnings: string[];
}

/**
 * Connects a platform that works with the browser session of a signed-in person (authType
 * `cookies`): they paste the session copied from their browser, as a Cookie header, a Netscape
 * cookies.txt or a cookie extension's JSON export, and the API says whether it works and what to
 * beware of. The pasted text travels as is in the contract's `cookies` field (the API reads every
 * format, and a cookies.txt is far longer than an access token may be); it is never shown again.
 */
export function CookieConnect({ platform, onConnected }: { platform: Platform; onConnected: (answer: ConnectAnswer) => void }): React.JSX.Element {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const hintId = useId();

  const submit = async (event: React.FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    const form = event.currentTarget;
    const cookies = field(new FormData(form), 'cookies').trim();
    setBusy(true);
    setError(null);
    const { data, error } = await api.POST('/api/platforms/{platform}/connect', {
      params: { path: { platform: platform.name } },
      body: { cookies },
    });
    setBusy(false);
    if (!data) {
      setError(messageOf(error));
      return;
    }
    form.reset();
    onConnected({ message: data.message ?? `${platform.displayName} is connected.`, warnings: warningsOf(data.data) });
  };

  return (
    <>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <form onSubmit={(event) => void submit(event)}>
        <label>
          Browser cookies
          <textarea name="cookies" required rows={4} autoComplete="off" spellCheck={false} maxLength={COOKIES_MAX_LENGTH} aria-describedby={hintId} />
        </label>
        <p id={hintId} className="hint">
          Sign in to {platform.displayName} in your browser, then paste its cookies here: the Cookie header of a request, a
          cookies.txt file, or a cookie extension’s JSON export. Never your password.
        </p>
        <button type="submit" disabled={busy}>
          Connect with these cookies
        </button>
      </form>
    </>
  );
}

/** The risk warnings the answer's `data` carries; platforms without any send no `data` at all. */
function warningsOf(view: ConnectView | undefined): string[] {
  return view?.warnings ?? [];
}
