import request from 'supertest';
import type { Response } from 'supertest';
import { registerUser } from '../support/auth-helpers';
import type { ExportCaller } from '../support/export-client';
import { pacer } from '../support/pacing';
import type { TestApp } from '../support/test-app';

/** A signed-in user with nothing connected: an archive import needs no connection. */
export async function importingUser(t: Pick<TestApp, 'url'>): Promise<ExportCaller> {
  const { session } = await registerUser(t);
  return { session, auth: { Authorization: `Bearer ${session.token}` }, pace: pacer() };
}

/** One record of an imported collection, as the JSON export writes it. */
export interface Row {
  id: string;
  /** `api` or `archive`, on a topped-up collection. */
  source?: string;
  [key: string]: unknown;
}

/** The part of an import's manifest.json the suites read. */
export interface ImportManifest {
  platform: string;
  account: { id: string };
  counts: Record<string, number>;
  importedFrom: { kind: string; unknownFiles: string[] };
}

export interface ImportForm {
  format?: string;
  platform?: string;
  options?: string;
  fileName?: string;
}

/** `POST /api/export/import` as a browser's FormData sends it: the fields, then the file. */
export async function uploadArchive(t: Pick<TestApp, 'url'>, user: ExportCaller, zip: Buffer, form: ImportForm = {}): Promise<Response> {
  await user.pace();
  let call = request(t.url).post('/api/export/import').set(user.auth);
  if (form.format !== undefined || !('format' in form)) call = call.field('format', form.format ?? 'json');
  if (form.platform !== undefined) call = call.field('platform', form.platform);
  if (form.options !== undefined) call = call.field('options', form.options);
  return call.attach('file', zip, { filename: form.fileName ?? 'archive.zip', contentType: 'application/zip' });
}
