import { useState } from 'react';
import { api, messageOf } from '../api/client';
import { GOOGLE_LINK_RETURN } from '../landing';
import type { Landing } from '../landing';

/**
 * Links a Google account to the signed-in account, so that "Sign in with Google" lands here. The
 * same-origin POST sets the cookie that binds the flow to this browser; Google then sends the browser
 * back to the Platforms page with the outcome. Linking ends the account's other sessions.
 */
export function LinkGoogle({ outcome }: { outcome?: Landing['googleLink'] }): React.JSX.Element {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const start = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    const returnTo = new URL(GOOGLE_LINK_RETURN, window.location.origin).href;
    const { data, error: failure } = await api.POST('/api/auth/google/link', { params: { query: { returnTo } } });
    if (data) {
      window.location.assign(data.data.url);
      return;
    }
    setBusy(false);
    setError(messageOf(failure));
  };

  const message = error ?? (outcome && !outcome.linked ? outcome.message : null);
  return (
    <section className="card" aria-labelledby="google-link-title" data-testid="google-link">
      <h2 id="google-link-title">Google sign-in</h2>
      {outcome?.linked ? (
        <p className="notice" role="status">
          Your Google account is linked: “Sign in with Google” now opens this account. Other devices were signed out.
        </p>
      ) : (
        <p>Link your Google account to sign in here with Google. Linking signs this account out on other devices.</p>
      )}
      {message && (
        <p className="error" role="alert">
          {message}
        </p>
      )}
      <button type="button" className="secondary" disabled={busy} onClick={() => void start()}>
        Link Google account
      </button>
    </section>
  );
}
