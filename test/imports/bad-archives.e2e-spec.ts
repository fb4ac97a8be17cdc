import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { exportState, finished, waitFor } from '../support/export-client';
import type { ExportCaller } from '../support/export-client';
import { sleep } from '../support/pacing';
import { startTestApp } from '../support/test-app';
import type { TestApp } from '../support/test-app';
import { importingUser, uploadArchive } from './import-support';
import { xArchiveEntries } from './x-archive-fixture';
import { buildZip } from './zip-builder';

/** What a stack trace or an internal path looks like in a body. */
const LEAK = /\n\s+at |node_modules|\/src\/|\.[jt]s:\d+|TypeError|ReferenceError/;
/** Room for the 100,000-entry archive (about 9 MB), so that it is refused for its entries, not its size. */
const CAP = 10_000_000;

const xEntries = () => xArchiveEntries({ generation: 'modern', parts: [2] });

/**
 * Every bad archive of the issue (reliability-security.md §4) is refused with 400 INVALID_ARCHIVE and
 * its reason, before any export exists; nothing is written outside the upload folder and nothing of it
 * stays; an upload past IMPORT_MAX_BYTES is 413; and the service answers healthy throughout.
 */
describe('Bad archives', () => {
  let t: TestApp;
  let user: ExportCaller;

  beforeAll(async () => {
    t = await startTestApp({ IMPORT_MAX_BYTES: String(CAP) });
    user = await importingUser(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  const refused = async (zip: Buffer, reason: string, form: { platform?: string } = {}): Promise<void> => {
    const res = await uploadArchive(t, user, zip, form);
    expect(res.text).not.toMatch(LEAK);
    expect({ status: res.status, code: (res.body as { code?: string }).code, details: (res.body as { details?: unknown }).details }).toEqual({
      status: 400,
      code: 'INVALID_ARCHIVE',
      details: [{ field: 'file', messages: [reason] }],
    });
    expect((res.body as { error: string }).error).toEqual(expect.any(String));
  };

  const valid = buildZip(xEntries());

  it.each([
    ['not a ZIP at all', () => Buffer.from('just some text, renamed to .zip\n'.repeat(20)), 'not_a_zip'],
    ['a ZIP cut short (truncated download)', () => valid.subarray(0, valid.length - 300), 'corrupt'],
    ['an empty ZIP', () => buildZip([]), 'empty'],
    ['a ZIP of folders only', () => buildZip([{ name: 'data/' }, { name: 'data/tweets_media/' }]), 'empty'],
    ['an entry named with ..', () => buildZip([...xEntries(), { name: 'data/../../evil.js', data: 'x' }]), 'unsafe_path'],
    ['an absolute entry name', () => buildZip([...xEntries(), { name: '/etc/cron.d/evil', data: 'x' }]), 'unsafe_path'],
    ['a drive-letter entry name', () => buildZip([...xEntries(), { name: 'C:/evil.js', data: 'x' }]), 'unsafe_path'],
    ['a symbolic link', () => buildZip([...xEntries(), { name: 'data/passwd.js', data: '/etc/passwd', mode: 0o120777 }]), 'symlink'],
    ['a ZIP inside the ZIP', () => buildZip([...xEntries(), { name: 'data/more.zip', data: valid }]), 'nested_zip'],
    ['a zip bomb (20 MiB of zeros deflated)', () => buildZip([...xEntries(), { name: 'data/bomb.js', data: Buffer.alloc(20 * 1024 * 1024), deflate: true }]), 'compression_ratio'],
    ['100,000 tiny entries', () => buildZip(Array.from({ length: 100_000 }, (_, i) => ({ name: `f${i}` }))), 'too_many_entries'],
    ['an archive of no known platform', () => buildZip([{ name: 'notes/readme.txt', data: 'hello' }]), 'unknown_platform'],
    ['a German Google Takeout holding none of the YouTube files Star Export reads', () => buildZip([{ name: 'Takeout/YouTube und YouTube Music/Musik-Uploads/liesmich.txt', data: 'x' }]), 'empty'],
  ])('refuses %s', async (_name, build, reason) => {
    await refused(build(), reason);
  });

  it('refuses a corrupt entry (its checksum does not match)', async () => {
    const corrupt = Buffer.from(valid);
    // The manifest is the first entry, stored: its bytes start after the 30-byte header and the name.
    corrupt[30 + 'data/manifest.js'.length + 10] ^= 0xff;
    await refused(corrupt, 'corrupt');
  });

  it('refuses an X archive sent as another platform', async () => {
    await refused(valid, 'platform_mismatch', { platform: 'facebook' });
  });

  it('answers 413 past IMPORT_MAX_BYTES, whether the length says so up front or only the bytes do', async () => {
    const big = await uploadArchive(t, user, Buffer.alloc(CAP + 1024 * 1024, 1));
    expect(big.status).toBe(413);
    expect(big.body).toMatchObject({ success: false, code: 'PAYLOAD_TOO_LARGE', error: expect.stringContaining(String(CAP)) });
    const sneaky = await uploadArchive(t, user, Buffer.alloc(CAP + 50_000, 1));
    expect(sneaky.status).toBe(413);
    expect(sneaky.body).toMatchObject({ success: false, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('refuses a form without a file or with bad fields as INVALID_FORMAT', async () => {
    await user.pace();
    const noFile = await request(t.url).post('/api/export/import').set(user.auth).field('format', 'json');
    expect(noFile.status).toBe(400);
    expect(noFile.body).toMatchObject({ code: 'INVALID_FORMAT', details: [{ field: 'file' }] });
    await user.pace();
    const json = await request(t.url).post('/api/export/import').set(user.auth).send({ format: 'json' });
    expect(json.status).toBe(400);
    expect(json.body).toMatchObject({ code: 'INVALID_FORMAT' });
    const badFormat = await uploadArchive(t, user, valid, { format: 'xml' });
    expect(badFormat.status).toBe(400);
    expect(badFormat.body).toMatchObject({ code: 'INVALID_FORMAT', details: [{ field: 'format' }] });
    const badOptions = await uploadArchive(t, user, valid, { options: '{"maxRecords":' });
    expect(badOptions.body).toMatchObject({ code: 'INVALID_FORMAT', details: [{ field: 'options' }] });
    const unknownOption = await uploadArchive(t, user, valid, { options: JSON.stringify({ userId: 'x' }) });
    expect(unknownOption.status).toBe(400);
  });

  it('fails an import whose data file turns out broken while it runs, with INVALID_ARCHIVE, and removes its files', async () => {
    const entries = xEntries().map((entry) => (entry.name === 'data/tweets.js' ? { ...entry, data: 'window.YTD.tweets.part0 = [ {"tweet": {"id_str": "1"} }, {oops' } : entry));
    const res = await uploadArchive(t, user, buildZip(entries));
    expect(res.status).toBe(201);
    const jobId = (res.body as { data: { jobId: string } }).data.jobId;
    const state = await waitFor(t, user, jobId, finished);
    expect(state).toMatchObject({ status: 'failed', error: { code: 'INVALID_ARCHIVE', message: expect.stringContaining('tweets.js') } });
    // The failure is recorded first, then its work folder goes.
    const work = join(t.config.storageDir, 'work', jobId);
    for (let i = 0; i < 100 && existsSync(work); i++) await sleep(100);
    expect(existsSync(work)).toBe(false);
    expect((await exportState(t, user, jobId)).downloadUrl).toBeNull();
  });

  it('left nothing behind and stayed healthy', async () => {
    const uploads = join(t.config.storageDir, 'uploads');
    expect(existsSync(uploads) ? readdirSync(uploads) : []).toEqual([]);
    const work = join(t.config.storageDir, 'work');
    expect(existsSync(work) ? readdirSync(work) : []).toEqual([]);
    // Nothing was unpacked anywhere near STORAGE_DIR: no stray file names from the hostile entries.
    expect(readdirSync(t.config.storageDir).sort()).toEqual(expect.not.arrayContaining(['evil.js', 'etc', 'passwd.js']));
    await user.pace();
    const list = await request(t.url).get('/api/export').set(user.auth).expect(200);
    // Only the export that got past the checks exists.
    expect((list.body as { data: { exports: unknown[] } }).data.exports).toHaveLength(1);
    const health = await request(t.url).get('/api/health');
    expect(health.status).toBe(200);
  });
});
