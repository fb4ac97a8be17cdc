import { useCallback, useEffect, useRef, useState } from 'react';
import { EXPORT_STATUSES } from '@app/contracts';
import type { ExportStatus, PlatformName, WaitReason } from '@app/contracts';
import { api, messageOf } from '../api/client';
import type { Schemas } from '../api/client';
import { duration, when } from '../format';
import { useExportEvents } from '../live';
import { platformOrNone } from '../platform-name';
import { navigate } from '../router';

type Item = Schemas['ExportListItemView'];
type Details = Schemas['ExportStatusView'];
type Stats = Schemas['ExportStatsView'];
type Pagination = Schemas['PaginationView'];

const PAGE_SIZE = 10;
/** Details (time estimate, wait reason) are read again at most this often per export while it moves. */
const DETAILS_EVERY_MS = 3_000;

const WAITING: Record<WaitReason, string> = {
  rate_limited: 'Waiting out the platform’s rate limit',
  quota_exceeded: 'Waiting for the platform’s quota to reset',
  platform_unavailable: 'Waiting for the platform to answer again',
  storage_full: 'Waiting for free disk space on the server',
  restarting: 'Resuming after a restart',
};

const ADVICE: Record<string, string> = {
  PLATFORM_NOT_CONNECTED: 'Connect the platform again on the Platforms page, then start a new export.',
  PLATFORM_TOKEN_REJECTED: 'The platform refused the connection: reconnect it on the Platforms page.',
  QUOTA_EXCEEDED: 'The platform’s quota is spent; start the export again after it resets.',
};

/** The account's exports, live: progress, waits, failures, cancel and download; filters, paging, stats. */
export function Exports(): React.JSX.Element {
  const [items, setItems] = useState<Item[] | null>(null);
  const [pagination, setPagination] = useState<Pagination | null>(null);
  const [details, setDetails] = useState<Record<string, Details>>({});
  const [stats, setStats] = useState<Stats | null>(null);
  const [status, setStatus] = useState<ExportStatus | ''>('');
  const [platform, setPlatform] = useState<PlatformName | ''>('');
  const [platforms, setPlatforms] = useState<Schemas['PlatformView'][]>([]);
  const [page, setPage] = useState(1);
  const [error, setError] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const lastDetails = useRef<Record<string, number>>({});

  const readDetails = useCallback(async (jobId: string) => {
    lastDetails.current[jobId] = Date.now();
    const { data } = await api.GET('/api/export/{jobId}', { params: { path: { jobId } } });
    if (data) setDetails((current) => ({ ...current, [jobId]: data.data }));
  }, []);

  const load = useCallback(async () => {
    const query = { page, limit: PAGE_SIZE, ...(status ? { status } : {}), ...(platform ? { platform } : {}) };
    const [list, summary] = await Promise.all([api.GET('/api/export', { params: { query } }), api.GET('/api/export/stats/summary')]);
    if (!list.data) return setError(messageOf(list.error));
    setError(null);
    setItems(list.data.data.exports);
    setPagination(list.data.data.pagination);
    if (summary.data) setStats(summary.data.data);
    for (const item of list.data.data.exports) {
      if (item.status === 'queued' || item.status === 'processing' || item.status === 'failed') void readDetails(item.id);
    }
  }, [page, status, platform, readDetails]);

  useEffect(() => void load(), [load]);
  useEffect(() => {
    void api.GET('/api/platforms').then(({ data }) => data && setPlatforms(data.data));
  }, []);

  useExportEvents({
    'export:progress': (event) => {
      setItems((current) =>
        current?.map((item) =>
          item.id === event.jobId ? { ...item, status: 'processing', progress: event.progress, totalItems: event.totalItems } : item,
        ) ?? current,
      );
      setDetails((current) => {
        const known = current[event.jobId];
        return known ? { ...current, [event.jobId]: { ...known, status: 'processing', progress: event.progress, processedItems: event.processedItems, totalItems: event.totalItems } } : current;
      });
      if (Date.now() - (lastDetails.current[event.jobId] ?? 0) > DETAILS_EVERY_MS) void readDetails(event.jobId);
    },
    'export:complete': () => {
      setAnnouncement('An export has finished and is ready to download.');
      void load();
    },
    'export:failed': (event) => {
      setAnnouncement(`An export failed: ${event.error}`);
      void load();
    },
    'export:cancelled': () => void load(),
    // The wait reason and resume time come with the export's details.
    'export:waiting': (event) => void readDetails(event.jobId),
    'export:resumed': (event) => void readDetails(event.jobId),
  });

  const cancel = async (jobId: string): Promise<void> => {
    const { error: failure } = await api.POST('/api/export/{jobId}/cancel', { params: { path: { jobId } } });
    if (failure) setError(messageOf(failure));
    await load();
  };

  /** A five-minute link: the browser's own download manager fetches it (no token in the page's URL). */
  const download = async (jobId: string): Promise<void> => {
    const { data, error: failure } = await api.POST('/api/export/{jobId}/download-link', { params: { path: { jobId } } });
    if (data) window.location.assign(data.data.url);
    else setError(messageOf(failure));
  };

  return (
    <section aria-labelledby="exports-title">
      <div className="heading">
        <h1 id="exports-title">Exports</h1>
        <a
          className="button"
          href="/exports/new"
          onClick={(event) => {
            event.preventDefault();
            navigate('/exports/new');
          }}
        >
          New export
        </a>
      </div>
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>
      {stats && <StatsPanel stats={stats} />}
      <form className="filters" aria-label="Filter exports" onSubmit={(event) => event.preventDefault()}>
        <label>
          Status
          <select
            value={status}
            onChange={(event) => {
              setStatus(event.target.value as ExportStatus | '');
              setPage(1);
            }}
          >
            <option value="">All</option>
            {EXPORT_STATUSES.map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </select>
        </label>
        <label>
          Platform
          <select
            value={platform}
            onChange={(event) => {
              setPlatform(platformOrNone(event.target.value));
              setPage(1);
            }}
          >
            <option value="">All</option>
            {platforms.map((p) => (
              <option key={p.name} value={p.name}>
                {p.displayName}
              </option>
            ))}
          </select>
        </label>
      </form>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {items === null && !error && <p role="status">Loading…</p>}
      {items?.length === 0 && <p>No exports {status || platform ? 'match these filters' : 'yet'}.</p>}
      <ul className="exports">
        {items?.map((item) => (
          <ExportRow key={item.id} item={item} details={details[item.id]} onCancel={cancel} onDownload={download} />
        ))}
      </ul>
      {pagination && pagination.pages > 1 && (
        <nav className="pager" aria-label="Pages">
          <button type="button" className="secondary" disabled={page <= 1} onClick={() => setPage(page - 1)}>
            Previous
          </button>
          <span>
            Page {pagination.page} of {pagination.pages}
          </span>
          <button type="button" className="secondary" disabled={page >= pagination.pages} onClick={() => setPage(page + 1)}>
            Next
          </button>
        </nav>
      )}
    </section>
  );
}

function ExportRow({
  item,
  details,
  onCancel,
  onDownload,
}: {
  item: Item;
  details?: Details;
  onCancel: (id: string) => Promise<void>;
  onDownload: (id: string) => Promise<void>;
}): React.JSX.Element {
  const active = item.status === 'queued' || item.status === 'processing';
  const labelId = `export-${item.id}`;
  const processed = details?.processedItems;
  const remaining = details?.estimatedCompletion ? (Date.parse(details.estimatedCompletion) - Date.now()) / 1000 : null;
  return (
    <li className="export" data-job={item.id} data-status={item.status}>
      <div className="export-head">
        <strong id={labelId}>
          {item.platform} · {item.format.toUpperCase()}
        </strong>
        <span className={`badge ${item.status}`}>{item.status}</span>
      </div>
      <p className="muted">Started {when(item.createdAt)}{item.completedAt && ` · ended ${when(item.completedAt)}`}</p>
      {active && (
        <>
          <progress className="progress" aria-labelledby={labelId} max={100} value={Math.min(100, Math.max(0, item.progress))}>
            {Math.round(item.progress)}%
          </progress>
          <p className="muted" data-testid="progress-text">
            {Math.round(item.progress)}%
            {processed !== undefined && ` · ${processed}${item.totalItems !== null ? ` of ${item.totalItems}` : ''} items`}
            {remaining !== null && remaining > 0 && !details?.waitReason && ` · about ${duration(remaining)} left`}
          </p>
          {details?.waitReason && (
            <p className="notice" data-testid="wait-reason">
              {WAITING[details.waitReason]}; resumes by itself {details.resumeAt ? `at ${when(details.resumeAt)}` : 'soon'}.
            </p>
          )}
          <button type="button" className="secondary" onClick={() => void onCancel(item.id)}>
            Cancel
          </button>
        </>
      )}
      {item.status === 'failed' && details?.error && (
        <p className="error" data-testid="failure">
          {details.error.message} {ADVICE[details.error.code] ?? ''}
        </p>
      )}
      {item.status === 'completed' && (
        <>
          {details?.warnings && details.warnings.length > 0 && <p className="muted">Some items could not be exported; see errors.json in the archive.</p>}
          <button type="button" onClick={() => void onDownload(item.id)}>
            Download
          </button>
        </>
      )}
    </li>
  );
}

function StatsPanel({ stats }: { stats: Stats }): React.JSX.Element {
  return (
    <dl className="stats" aria-label="Statistics">
      <div>
        <dt>Exports</dt>
        <dd>{stats.totalExports}</dd>
      </div>
      <div>
        <dt>Completed</dt>
        <dd>{stats.completedExports}</dd>
      </div>
      <div>
        <dt>Failed</dt>
        <dd>{stats.failedExports}</dd>
      </div>
      <div>
        <dt>Data exported</dt>
        <dd>{stats.totalDataExported}</dd>
      </div>
      <div>
        <dt>Average time</dt>
        <dd>{stats.completedExports > 0 ? duration(stats.averageDuration) : '—'}</dd>
      </div>
    </dl>
  );
}
