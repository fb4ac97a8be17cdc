import request from 'supertest';
import { startTestApp } from '../support/test-app';
import type { TestApp } from '../support/test-app';
import { buildWebApp } from './web-build';

const cspOf = (res: request.Response): string => String(res.headers['content-security-policy']);

/** The web app served by the API at `/`, beside /api, with headers that allow exactly what it needs. */
describe('The web app served by the API', () => {
  let t: TestApp;

  beforeAll(async () => {
    buildWebApp();
    t = await startTestApp({ PUBLIC_URL: 'http://192.168.1.20:5000' });
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  it('answers / and every page of the app with the app, which loads only scripts of its own', async () => {
    for (const path of ['/', '/exports', '/platforms/', '/signin?next=1']) {
      const res = await request(t.url).get(path).expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toContain('<div id="root"></div>');
      expect(res.text).toMatch(/<script type="module" crossorigin src="\/assets\/[^"]+\.js"><\/script>/);
      expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    }
    const page = await request(t.url).get('/');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(page.text)?.[1] ?? '';
    const asset = await request(t.url).get(script).expect(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['cache-control']).toContain('immutable');
  });

  it('never shadows /api: unknown API routes and missing files keep the JSON 404', async () => {
    const api = await request(t.url).get('/api/no-such-thing').expect(404);
    expect(api.body).toEqual({ success: false, error: 'Cannot GET /api/no-such-thing', code: 'NOT_FOUND' });
    const nested = await request(t.url).get('/api/exports/new').set('Accept', 'text/html').expect(404);
    expect(nested.body).toMatchObject({ code: 'NOT_FOUND' });
    const asset = await request(t.url).get('/assets/missing.js').expect(404);
    expect(asset.body).toMatchObject({ code: 'NOT_FOUND' });
    await request(t.url).get('/robots.txt').expect(404);
    await request(t.url).delete('/exports').expect(404);
  });

  it('allows no inline script or style on the app, and leaves out upgrade-insecure-requests on plain HTTP', async () => {
    const csp = cspOf(await request(t.url).get('/'));
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(cspOf(await request(t.url).get('/api/health'))).not.toContain('unsafe-inline');
  });

  it('gives Swagger UI the inline code it needs, and only Swagger UI', async () => {
    const docs = await request(t.url).get('/api/docs/').expect(200);
    expect(cspOf(docs)).toContain("script-src 'self' 'unsafe-inline'");
    expect(cspOf(docs)).not.toContain('upgrade-insecure-requests');
  });

  it('keeps upgrade-insecure-requests when the public URL is HTTPS', async () => {
    const secure = await startTestApp({ PUBLIC_URL: 'https://export.example.com' });
    try {
      expect(cspOf(await request(secure.url).get('/'))).toContain('upgrade-insecure-requests');
    } finally {
      await secure.close();
    }
  });
});
