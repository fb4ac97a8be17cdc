import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { TestApp, startTestApp } from '../support/test-app';

const committedPath = join(__dirname, '../../openapi.json');

/**
 * Generated clients are built from the committed openapi.json, so it must be exactly what the server
 * serves. `npm run openapi` regenerates both the plugin metadata and this file.
 */
describe('OpenAPI document', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('matches the committed openapi.json', async () => {
    const res = await request(t.url).get('/api/docs-json').expect(200);
    if (process.env.UPDATE_OPENAPI === '1') {
      writeFileSync(committedPath, `${JSON.stringify(res.body, null, 2)}\n`);
    }
    const committed: unknown = JSON.parse(readFileSync(committedPath, 'utf8'));
    expect(res.body).toEqual(committed);
  });

  it('serves Swagger UI', async () => {
    const res = await request(t.url).get('/api/docs/').expect(200);
    expect(res.text).toContain('swagger-ui');
  });
});
