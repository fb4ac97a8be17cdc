import type { paths } from './schema';
import { session } from './session';

type ImportOperation = paths['/api/export/import']['post'];
type Started = ImportOperation['responses'][201]['content']['application/json'];
type Refused = ImportOperation['responses'][400]['content']['application/json'];

/** The fields `POST /api/export/import` reads, as its form in the API document names them. */
export type ImportFields = Omit<ImportOperation['requestBody']['content']['multipart/form-data'], 'file'> & { file: File };

export type UploadOutcome = { ok: true; started: Started } | { ok: false; status: number; error: Refused | null };

/**
 * `POST /api/export/import` with the browser's own upload progress. fetch() reports no progress for a
 * request body, so this is XMLHttpRequest; like the API client it sends the bearer token and, refused
 * with 401, refreshes the session once and sends the archive again.
 */
export async function uploadArchive(fields: ImportFields, onProgress: (sent: number, total: number) => void): Promise<UploadOutcome> {
  const first = await send(fields, onProgress);
  if (first.status !== 401 || !session.hasStoredSession) return outcome(first);
  if (!(await session.refresh())) {
    session.end('Your session has ended. Please sign in again.');
    return outcome(first);
  }
  return outcome(await send(fields, onProgress));
}

interface Answer {
  status: number;
  body: unknown;
}

function send(fields: ImportFields, onProgress: (sent: number, total: number) => void): Promise<Answer> {
  // The small fields go before the file, so the server knows the format and platform while the file streams.
  const form = new FormData();
  form.append('format', fields.format);
  if (fields.platform) form.append('platform', fields.platform);
  if (fields.options) form.append('options', fields.options);
  form.append('file', fields.file, fields.file.name);
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/export/import');
    if (session.token) xhr.setRequestHeader('Authorization', `Bearer ${session.token}`);
    xhr.responseType = 'json';
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) onProgress(event.loaded, event.total);
    });
    xhr.addEventListener('load', () => resolve({ status: xhr.status, body: xhr.response as unknown }));
    // No answer at all: the connection dropped, or the server closed it after refusing an archive too large.
    xhr.addEventListener('error', () => resolve({ status: 0, body: null }));
    xhr.addEventListener('abort', () => resolve({ status: 0, body: null }));
    xhr.send(form);
  });
}

function outcome({ status, body }: Answer): UploadOutcome {
  if (status >= 200 && status < 300 && isObject(body) && body.success === true) return { ok: true, started: body as Started };
  return { ok: false, status, error: isObject(body) && typeof body.error === 'string' ? (body as Refused) : null };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
