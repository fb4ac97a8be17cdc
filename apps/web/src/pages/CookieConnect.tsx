import { useId, useState } from 'react';
import { api, messageOf } from '../api/client';
import type { Schemas } from '../api/client';
import { field } from '../form-data';

type Platform = Schemas['PlatformView'];

/** What a successful connect said: its message and any warnings about using the connection. */
export interface ConnectAnswer {
  message: string;
  warnings: string[];
}

/**
 * Connects a platform that works with the browser session of a signed-in person (authType
 * `cookies`): they paste the session copied from their browser, as a Cookie header, a Netscape
 * cookies.txt or a cookie extension's JSON export, and the API says whether it works and what to
 * beware of. The pasted text travels in the connect contract's credential field; it is never shown
 * again.
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
      body: { accessToken: cookies },
    });
    setBusy(false);
    if (!data) {
      setError(messageOf(error));
      return;
    }
    form.reset();
    onConnected({ message: data.message ?? `${platform.displayName} is connected.`, warnings: warningsOf(data) });
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
          <textarea name="cookies" required rows={4} autoComplete="off" spellCheck={false} maxLength={65_536} aria-describedby={hintId} />
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

/** The warnings a connect answer carries, when the platform has some (heavy use of a cookie session is risky). */
function warningsOf(answer: object): string[] {
  if (!('warnings' in answer) || !Array.isArray(answer.warnings)) return [];
  return answer.warnings.filter((warning): warning is string => typeof warning === 'string');
}
