import request from 'supertest';
import { TestApp, startTestApp } from '../support/test-app';

describe('API conventions', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ FRONTEND_URL: 'https://app.example.com' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('serves health in the spec shape', async () => {
    const res = await request(t.url).get('/api/health').expect(200);
    expect(res.body).toEqual({
      success: true,
      data: {
        status: 'healthy',
        version: t.config.version,
        uptime: expect.any(Number),
        services: {
          database: 'connected',
          redis: t.config.redisUrl ? 'connected' : 'not configured',
          storage: 'available',
        },
      },
    });
  });

  it('answers unknown routes with the error envelope', async () => {
    const res = await request(t.url).get('/api/no-such-thing').expect(404);
    expect(res.body).toEqual({ success: false, error: 'Cannot GET /api/no-such-thing', code: 'NOT_FOUND' });
    await request(t.url).put('/api/health').expect(404);
    // `/` and other pages are the web app's (test/web); other methods outside /api are not.
    await request(t.url).post('/').expect(404);
  });

  it('answers malformed JSON with 400 INVALID_FORMAT and no internals', async () => {
    const res = await request(t.url)
      .post('/api/health')
      .set('Content-Type', 'application/json')
      .send('{"email": "a@b.c",')
      .expect(400);
    expect(res.body).toEqual({ success: false, error: 'Malformed JSON in request body', code: 'INVALID_FORMAT' });
    expect(JSON.stringify(res.body)).not.toMatch(/at \w+ \(|node_modules|SyntaxError/);
  });

  it('refuses bodies over 1 MB with 413 PAYLOAD_TOO_LARGE', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10) });
    const res = await request(t.url).post('/api/health').set('Content-Type', 'application/json').send(big).expect(413);
    expect(res.body).toEqual({ success: false, error: 'Request body is larger than 1 MB', code: 'PAYLOAD_TOO_LARGE' });
  });

  it('gives every response a request id, echoing a well-formed one', async () => {
    const generated = await request(t.url).get('/api/health');
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const echoed = await request(t.url).get('/api/health').set('X-Request-Id', 'trace-123');
    expect(echoed.headers['x-request-id']).toBe('trace-123');
    const hostile = await request(t.url).get('/api/health').set('X-Request-Id', 'a b\tc<script>');
    expect(hostile.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends security headers and hides the framework', async () => {
    const res = await request(t.url).get('/api/health');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBeDefined();
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('allows CORS only for FRONTEND_URL', async () => {
    const allowed = await request(t.url)
      .options('/api/health')
      .set('Origin', 'https://app.example.com')
      .set('Access-Control-Request-Method', 'GET');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.com');
    const foreign = await request(t.url)
      .options('/api/health')
      .set('Origin', 'https://evil.example')
      .set('Access-Control-Request-Method', 'GET');
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
  });
});
