import { useEffect, useMemo, useState } from 'react';
import { api, messageOf } from '../api/client';
import { field, fields } from '../form-data';
import type { Schemas } from '../api/client';
import { featureLabel, when } from '../format';
import { newIdempotencyKey } from '../idempotency';
import { platformOrNone } from '../platform-name';
import { navigate } from '../router';
import type { PlatformName } from '@app/contracts';

type Platform = Schemas['PlatformView'];
type Format = Schemas['StartExportDto']['format'];
type Quota = Schemas['QuotaUsageView'];

/** Start an export: platform, format, collections, date range, how many items at most, media. */
export function NewExport(): React.JSX.Element {
  const [platforms, setPlatforms] = useState<Platform[] | null>(null);
  const [name, setName] = useState<PlatformName | ''>('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // One key per form: submitting again after a lost answer does not start a second export.
  const [key, setKey] = useState(newIdempotencyKey);

  useEffect(() => {
    void api.GET('/api/platforms').then(({ data, error: failure }) => {
      if (!data) return setError(messageOf(failure));
      setPlatforms(data.data);
      setName((current) => current || (data.data[0]?.name ?? ''));
    });
  }, []);

  // The API prices an export only when it refuses one for want of quota (its message says how much it
  // needs); before starting, the budget left is what a person can weigh the export against.
  const [quota, setQuota] = useState<Quota | null>(null);
  useEffect(() => {
    setQuota(null);
    if (!name) return;
    void api.GET('/api/platforms/{platform}/status', { params: { path: { platform: name } } }).then(({ data }) => data && setQuota(data.data.quotaUsage));
  }, [name]);

  const platform = useMemo(() => platforms?.find((p) => p.name === name), [platforms, name]);
  const features = platform ? Object.entries(platform.features).filter(([, offered]) => offered).map(([feature]) => feature) : [];

  const submit = async (event: React.FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    if (!platform) return setError('Choose a platform to export from.');
    const form = new FormData(event.currentTarget);
    const collections = fields(form, 'collections');
    if (collections.length === 0) return setError('Choose at least one collection to export.');
    const start = field(form, 'start');
    const end = field(form, 'end');
    if (Boolean(start) !== Boolean(end)) return setError('A date range needs both a first and a last day.');
    const maxRecords = field(form, 'maxRecords');
    setBusy(true);
    setError(null);
    const { data, error: failure } = await api.POST('/api/export/start', {
      params: { header: { 'Idempotency-Key': key } },
      body: {
        platform: platform.name,
        format: field(form, 'format') as Format,
        options: {
          includeMedia: field(form, 'includeMedia') === 'on',
          ...(collections.length < features.length ? { collections } : {}),
          ...(start && end ? { dateRange: { start, end } } : {}),
          ...(maxRecords ? { maxRecords: Number(maxRecords) } : {}),
        },
      },
    });
    setBusy(false);
    if (data) {
      setKey(newIdempotencyKey());
      navigate('/exports');
    } else {
      setError(messageOf(failure));
    }
  };

  return (
    <section className="narrow" aria-labelledby="new-title">
      <h1 id="new-title">New export</h1>
      {!platforms && !error && <p role="status">Loading…</p>}
      {platforms && (
        <form onSubmit={(event) => void submit(event)}>
          <label>
            Platform
            <select name="platform" value={name} onChange={(event) => setName(platformOrNone(event.target.value))}>
              {platforms.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.displayName}
                </option>
              ))}
            </select>
          </label>
          {platform && (
            <>
              <label>
                Format
                <select name="format" defaultValue={platform.exportFormats[0]}>
                  {platform.exportFormats.map((format) => (
                    <option key={format} value={format}>
                      {format.toUpperCase()}
                    </option>
                  ))}
                </select>
              </label>
              {quota && (
                <p className="hint" data-testid="budget">
                  {platform.displayName} quota used: {quota.used} of {quota.limit}, resets {when(quota.resetsAt)}. An export that needs more than is
                  left is refused with its estimate.
                </p>
              )}
              <fieldset key={platform.name}>
                <legend>Collections</legend>
                {features.map((feature) => (
                  <label key={feature} className="check">
                    <input type="checkbox" name="collections" value={feature} defaultChecked />
                    {featureLabel(feature)}
                  </label>
                ))}
              </fieldset>
            </>
          )}
          <fieldset>
            <legend>Only items published between (optional)</legend>
            <div className="row">
              <label>
                First day
                <input type="date" name="start" min="2004-01-01" />
              </label>
              <label>
                Last day
                <input type="date" name="end" min="2004-01-01" />
              </label>
            </div>
          </fieldset>
          <label>
            At most this many items (optional)
            <input type="number" name="maxRecords" min={1} step={1} inputMode="numeric" />
          </label>
          <label className="check">
            <input type="checkbox" name="includeMedia" />
            Include media files (thumbnails, photos, videos)
          </label>
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" disabled={busy || !platform}>
            Start export
          </button>
        </form>
      )}
    </section>
  );
}
