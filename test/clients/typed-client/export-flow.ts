import createClient from 'openapi-fetch';
import type { components, paths } from './star-export-api';

type ExportStatus = components['schemas']['ExportStatusView'];

export interface ExportFlowInput {
  /** The service's origin, as `servers` in openapi.json names it. */
  baseUrl: string;
  account: { email: string; password: string; name: string };
  /** Tokens the platform issued; the sandbox mints them for its accounts. */
  youtube: { accessToken: string; refreshToken?: string };
  /** Pause between status polls. */
  pollMs: number;
}

export interface ExportFlowResult {
  finished: ExportStatus;
  archive: ArrayBuffer;
  contentType: string | null;
}

/**
 * What an integrator writes with a client generated from openapi.json by openapi-typescript and
 * driven by openapi-fetch: register, connect YouTube, start a JSON export, follow its status and
 * download the archive. Every request and answer is typed by the document alone, without casts.
 */
export async function runExportFlow(input: ExportFlowInput): Promise<ExportFlowResult> {
  const client = createClient<paths>({ baseUrl: input.baseUrl });

  const registered = await client.POST('/api/auth/register', { body: input.account });
  if (!registered.data) throw new Error(`register: ${registered.error?.code ?? registered.response.status}`);
  const accessToken = registered.data.data.token;
  const auth = { Authorization: `Bearer ${accessToken}` };

  const connected = await client.POST('/api/platforms/{platform}/connect', {
    params: { path: { platform: 'youtube' } },
    headers: auth,
    body: input.youtube,
  });
  if (connected.error) throw new Error(`connect: ${connected.error.code}`);

  const started = await client.POST('/api/export/start', {
    headers: auth,
    body: { platform: 'youtube', format: 'json', options: { collections: ['videos', 'playlists'] } },
  });
  if (!started.data) throw new Error(`start: ${started.error?.code ?? started.response.status}`);
  const jobId = started.data.data.jobId;

  let status: ExportStatus | undefined;
  while (!status || status.status === 'queued' || status.status === 'processing') {
    if (status) await new Promise((resolve) => setTimeout(resolve, input.pollMs));
    const polled = await client.GET('/api/export/{jobId}', { params: { path: { jobId } }, headers: auth });
    if (!polled.data) throw new Error(`status: ${polled.error?.code ?? polled.response.status}`);
    status = polled.data.data;
  }
  if (status.status !== 'completed') throw new Error(`export ${status.status}: ${status.error?.message ?? 'no error given'}`);

  const downloaded = await client.GET('/api/export/{jobId}/download', {
    params: { path: { jobId } },
    headers: auth,
    parseAs: 'arrayBuffer',
  });
  if (downloaded.error) throw new Error(`download: ${downloaded.error.code}`);
  return { finished: status, archive: downloaded.data, contentType: downloaded.response.headers.get('content-type') };
}
