import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { TestApp, startTestApp } from '../support/test-app';

const PRODUCTION = {
  NODE_ENV: 'production',
  JWT_SECRET: randomBytes(48).toString('base64url'),
  TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
};

/** Swagger UI and the OpenAPI document map every route: a production server hides them unless told otherwise. */
describe('API docs setting', () => {
  const apps: TestApp[] = [];
  const start = async (env: Record<string, string>): Promise<TestApp> => {
    const app = await startTestApp(env);
    apps.push(app);
    return app;
  };
  afterAll(async () => {
    for (const app of apps) await app.close();
  });

  it('serves no docs with NODE_ENV=production, answering the usual 404 envelope', async () => {
    const t = await start(PRODUCTION);
    for (const path of ['/api/docs', '/api/docs/', '/api/docs-json', '/api/docs/swagger-ui-init.js']) {
      const res = await request(t.url).get(path);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ success: false, code: 'NOT_FOUND' });
      expect(res.body).not.toHaveProperty('openapi');
      expect(res.text).not.toMatch(/swagger-ui-bundle|SwaggerUIBundle|"paths"/);
    }
    // The API itself is there.
    expect((await request(t.url).get('/api/platforms')).status).toBe(200);
  });

  it('serves them in production with API_DOCS=true, and hides them anywhere with API_DOCS=false', async () => {
    const shown = await start({ ...PRODUCTION, API_DOCS: 'true' });
    expect((await request(shown.url).get('/api/docs-json')).body).toMatchObject({ openapi: expect.any(String) });
    expect((await request(shown.url).get('/api/docs/')).text).toContain('swagger-ui');
    const hidden = await start({ API_DOCS: 'false' });
    expect((await request(hidden.url).get('/api/docs-json')).status).toBe(404);
  });
});
