import { useCallback, useEffect, useId, useState } from 'react';
import { api, messageOf } from '../api/client';
import { field } from '../form-data';
import type { Schemas } from '../api/client';
import { featureLabel, when } from '../format';
import type { Landing } from '../landing';
import { googleSignInOffered } from '../server-features';
import { CookieConnect } from './CookieConnect';
import type { ConnectAnswer } from './CookieConnect';
import { LinkGoogle } from './LinkGoogle';

type Platform = Schemas['PlatformView'];
type Status = Schemas['PlatformStatusView'];

/** Every platform the server offers, what it exports, and this account's connection to it. */
export function Platforms({ landing, googleLink }: { landing?: Landing['platformMessage']; googleLink?: Landing['googleLink'] }): React.JSX.Element {
  const [platforms, setPlatforms] = useState<Platform[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void api.GET('/api/platforms').then(({ data, error: failure }) => {
      if (data) setPlatforms(data.data);
      else setError(messageOf(failure));
    });
  }, []);

  return (
    <section aria-labelledby="platforms-title">
      <h1 id="platforms-title">Platforms</h1>
      {landing && (
        <p className={landing.connected ? 'notice' : 'error'} role="status">
          {landing.connected ? `${landing.platform} is connected.` : `${landing.platform} was not connected (${landing.code ?? 'unknown error'}).`}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {!platforms && !error && <p role="status">Loading…</p>}
      <div className="cards">
        {platforms?.map((platform) => <PlatformCard key={platform.name} platform={platform} />)}
      </div>
      {(googleSignInOffered() || googleLink) && <LinkGoogle outcome={googleLink} />}
    </section>
  );
}

function PlatformCard({ platform }: { platform: Platform }): React.JSX.Element {
  const [status, setStatus] = useState<Status | null>(null);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const [warnings, setWarnings] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const titleId = useId();
  const params = { path: { platform: platform.name } };

  const load = useCallback(async () => {
    const { data, error } = await api.GET('/api/platforms/{platform}/status', { params: { path: { platform: platform.name } } });
    if (data) setStatus(data.data);
    else setMessage({ text: messageOf(error), error: true });
  }, [platform.name]);

  useEffect(() => void load(), [load]);

  /** The consent screen: the same-origin fetch leaves the cookie that binds the flow to this browser. */
  const startOAuth = async (): Promise<void> => {
    setBusy(true);
    const { data, error } = await api.GET('/api/platforms/{platform}/oauth', { params: { ...params, query: { mode: 'json' } } });
    if (data) {
      window.location.assign(data.data.authorizationUrl);
      return;
    }
    setBusy(false);
    setMessage({ text: messageOf(error), error: true });
  };

  const connectWithTokens = async (event: React.FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const accessToken = field(form, 'accessToken').trim();
    const refreshToken = field(form, 'refreshToken').trim();
    setBusy(true);
    setMessage(null);
    const { data, error } = await api.POST('/api/platforms/{platform}/connect', {
      params,
      body: refreshToken ? { accessToken, refreshToken } : { accessToken },
    });
    setBusy(false);
    if (data) {
      setMessage({ text: `${platform.displayName} is connected.`, error: false });
      await load();
    } else {
      setMessage({ text: messageOf(error), error: true });
    }
  };

  const disconnect = async (): Promise<void> => {
    setBusy(true);
    const { error } = await api.POST('/api/platforms/{platform}/disconnect', { params });
    setBusy(false);
    setWarnings([]);
    setMessage(error ? { text: messageOf(error), error: true } : { text: `${platform.displayName} is disconnected.`, error: false });
    await load();
  };

  const exported = Object.entries(platform.features).filter(([, offered]) => offered);
  const withheld = Object.entries(platform.features).filter(([, offered]) => !offered);

  return (
    <article className="card" aria-labelledby={titleId} data-platform={platform.name}>
      <h2 id={titleId}>{platform.displayName}</h2>
      <p>
        Exports {exported.map(([name]) => featureLabel(name)).join(', ')} as {platform.exportFormats.join(', ').toUpperCase()}.
        {withheld.length > 0 && ` Not available from ${platform.displayName}: ${withheld.map(([name]) => featureLabel(name)).join(', ')}.`}
      </p>
      {status && <StatusList status={status} />}
      {message && (
        <div className={message.error ? 'error' : 'notice'} role={message.error ? 'alert' : 'status'} data-testid="connect-answer">
          <p>{message.text}</p>
          {warnings.length > 0 && (
            <ul className="warnings" aria-label="Warnings">
              {warnings.map((warning) => (
                <li key={warning}>{warning}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {status?.connected && !status.needsReconnect ? (
        <button type="button" className="secondary" disabled={busy} onClick={() => void disconnect()}>
          Disconnect
        </button>
      ) : (
        platform.authType === 'oauth' && (
          <>
            <button type="button" disabled={busy} onClick={() => void startOAuth()}>
              {status?.needsReconnect ? 'Reconnect' : 'Connect'} {platform.displayName}
            </button>
            <details>
              <summary>Or paste tokens you already hold</summary>
              <form onSubmit={(event) => void connectWithTokens(event)}>
                <label>
                  Access token
                  <input name="accessToken" required autoComplete="off" spellCheck={false} maxLength={4096} />
                </label>
                <label>
                  Refresh token (optional)
                  <input name="refreshToken" autoComplete="off" spellCheck={false} maxLength={4096} />
                </label>
                <button type="submit" disabled={busy}>
                  Connect with these tokens
                </button>
              </form>
            </details>
          </>
        )
      )}
      {platform.authType === 'cookies' && !(status?.connected && !status.needsReconnect) && (
        <CookieConnect
          platform={platform}
          onConnected={(answer: ConnectAnswer) => {
            setMessage({ text: answer.message, error: false });
            setWarnings(answer.warnings);
            void load();
          }}
        />
      )}
      {platform.authType === 'archive' && !status?.connected && (
        <p>{platform.displayName} is exported from the archive the platform lets you download.</p>
      )}
    </article>
  );
}

function StatusList({ status }: { status: Status }): React.JSX.Element {
  const { quotaUsage } = status;
  return (
    <dl className="status">
      <dt>Status</dt>
      <dd data-testid="connection-state">{status.needsReconnect ? 'Needs reconnect' : status.connected ? 'Connected' : 'Not connected'}</dd>
      {status.account && (
        <>
          <dt>Account</dt>
          <dd>{status.account.name}</dd>
        </>
      )}
      {status.connected && (
        <>
          <dt>Token expires</dt>
          <dd>{when(status.tokenExpiry)}</dd>
          <dt>Permissions</dt>
          <dd>{status.permissions.length > 0 ? status.permissions.join(', ') : '—'}</dd>
          <dt>Last export</dt>
          <dd>{when(status.lastSync)}</dd>
        </>
      )}
      <dt>Quota used</dt>
      <dd>
        {quotaUsage.used} of {quotaUsage.limit}, resets {when(quotaUsage.resetsAt)}
        {quotaUsage.reportedPercent !== null && <> (the platform reports {quotaUsage.reportedPercent} % of its own limit used)</>}
      </dd>
    </dl>
  );
}
