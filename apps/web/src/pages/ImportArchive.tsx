import { useEffect, useState } from 'react';
import { EXPORT_FORMATS } from '@app/contracts';
import type { ExportFormat, PlatformName } from '@app/contracts';
import { api, messageOf } from '../api/client';
import type { Schemas } from '../api/client';
import { uploadArchive } from '../api/upload';
import type { UploadOutcome } from '../api/upload';
import { field } from '../form-data';
import { platformOrNone } from '../platform-name';
import { navigate } from '../router';

type Platform = Schemas['PlatformView'];

/** The one platform whose import can be topped up from its API (`options.topUp`, X's timeline). */
const TOP_UP_PLATFORM: PlatformName = 'twitter';

/**
 * Upload a platform's own archive (X archive, Meta's "Download Your Information", Google Takeout): it
 * becomes an export on the Exports page. The bar shows the upload itself; the import then runs there.
 */
export function ImportArchive(): React.JSX.Element {
  const [platforms, setPlatforms] = useState<Platform[] | null>(null);
  const [name, setName] = useState<PlatformName | ''>('');
  const [topUpOffered, setTopUpOffered] = useState(false);
  const [sent, setSent] = useState<{ bytes: number; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void api.GET('/api/platforms').then(({ data, error: failure }) => {
      if (!data) return setError(messageOf(failure));
      setPlatforms(data.data.filter((platform) => Object.keys(platform.features).some((feature) => feature.startsWith('archive:'))));
    });
  }, []);

  // Topping up asks the platform's API, so it is offered only with the platform connected.
  useEffect(() => {
    setTopUpOffered(false);
    if (name !== TOP_UP_PLATFORM) return;
    void api.GET('/api/platforms/{platform}/status', { params: { path: { platform: name } } }).then(({ data }) => setTopUpOffered(data?.data.connected === true));
  }, [name]);

  const submit = async (event: React.FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const file = form.get('file');
    if (!(file instanceof File) || file.size === 0) return setError('Choose the archive file to upload.');
    const options = { includeMedia: field(form, 'includeMedia') === 'on', ...(field(form, 'topUp') === 'on' ? { topUp: true } : {}) };
    setError(null);
    setSent({ bytes: 0, total: file.size });
    const result = await uploadArchive({ file, format: field(form, 'format') as ExportFormat, ...(name ? { platform: name } : {}), options: JSON.stringify(options) }, (bytes, total) =>
      setSent({ bytes, total }),
    );
    setSent(null);
    if (result.ok) navigate('/exports');
    else setError(refusal(result, file.size));
  };

  const percent = sent && sent.total > 0 ? Math.round((sent.bytes / sent.total) * 100) : 0;
  return (
    <section className="narrow" aria-labelledby="import-title">
      <h1 id="import-title">Import an archive</h1>
      <p className="hint">
        The archive a platform lets you download (X archive, Facebook or Instagram “Download Your Information” in JSON, Google Takeout with YouTube) holds
        what its API does not give: direct messages, Messenger, the full post history, watch history. It becomes an export like any other.
      </p>
      {!platforms && !error && <p role="status">Loading…</p>}
      {platforms && (
        <form onSubmit={(event) => void submit(event)}>
          <label>
            Archive (ZIP)
            <input type="file" name="file" accept=".zip,application/zip" required disabled={sent !== null} />
          </label>
          <label>
            Platform
            <select name="platform" value={name} onChange={(event) => setName(platformOrNone(event.target.value))} disabled={sent !== null}>
              <option value="">Detect from the archive</option>
              {platforms.map((platform) => (
                <option key={platform.name} value={platform.name}>
                  {platform.displayName}
                </option>
              ))}
            </select>
          </label>
          <label>
            Format
            <select name="format" defaultValue="json" disabled={sent !== null}>
              {EXPORT_FORMATS.map((format) => (
                <option key={format} value={format}>
                  {format.toUpperCase()}
                </option>
              ))}
            </select>
          </label>
          <label className="check">
            <input type="checkbox" name="includeMedia" disabled={sent !== null} />
            Include the archive’s media files (photos, videos)
          </label>
          {topUpOffered && (
            <label className="check">
              <input type="checkbox" name="topUp" disabled={sent !== null} />
              Top up from the API: add the posts newer than the archive, each post once
            </label>
          )}
          {sent && (
            <div data-testid="upload">
              <progress className="progress" aria-labelledby="upload-text" max={100} value={percent} />
              <p className="muted" id="upload-text">
                Uploading: {megabytes(sent.bytes)} of {megabytes(sent.total)} ({percent}%)
              </p>
            </div>
          )}
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" disabled={sent !== null}>
            Upload and import
          </button>
        </form>
      )}
    </section>
  );
}

/** What went wrong, in words: the API's message with the archive's fault, or why there was no answer. */
function refusal(result: Extract<UploadOutcome, { ok: false }>, size: number): string {
  if (result.error?.code === 'INVALID_ARCHIVE') {
    const reason = result.error.details?.[0]?.messages[0];
    return reason ? `${result.error.error} (reason: ${reason})` : result.error.error;
  }
  if (result.error) return messageOf(result.error);
  if (result.status === 413) return `The archive (${megabytes(size)}) is larger than this server accepts.`;
  return `The upload of ${megabytes(size)} stopped before the server answered. Check the connection and try again; an archive larger than the server accepts is also cut off this way.`;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(bytes < 10_485_760 ? 1 : 0)} MB`;
}
