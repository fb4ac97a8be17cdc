import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { TestApp, startTestApp } from '../support/test-app';

interface OpenApiOperation {
  operationId: string;
  parameters?: { name: string; in: string; required?: boolean }[];
  responses: Record<string, { content?: Record<string, unknown> }>;
  security?: unknown[];
}
interface OpenApiDocument {
  servers: { url: string }[];
  paths: Record<string, Record<string, OpenApiOperation>>;
}

const committedPath = join(__dirname, '../../openapi.json');

/**
 * Generated clients are built from the committed openapi.json, so it must be exactly what the server
 * serves. `npm run openapi` regenerates both the plugin metadata and this file.
 */
describe('OpenAPI document', () => {
  let t: TestApp;

  beforeAll(async () => {
    // The document names the service's own origin; a fixed PUBLIC_URL keeps the committed copy stable.
    t = await startTestApp({ PUBLIC_URL: 'http://localhost:3000' });
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

  it('gives every operation a chosen name, a 429 answer and an explicit security requirement', async () => {
    const res = await request(t.url).get('/api/docs-json').expect(200);
    const document = res.body as OpenApiDocument;
    expect(document.servers).toEqual([expect.objectContaining({ url: 'http://localhost:3000' })]);
    const operations = Object.values(document.paths).flatMap((item) => Object.values(item));
    expect(operations.length).toBeGreaterThan(20);
    for (const operation of operations) {
      expect(operation.operationId).toMatch(/^[a-z][A-Za-z]+$/);
      expect(operation.responses).toHaveProperty('429');
      expect(operation.security).toBeDefined();
    }
    const ids = operations.map((operation) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(['register', 'login', 'connectPlatform', 'startExport', 'getExport', 'listExports', 'downloadExport']));
  });

  it('asks for no header, page or limit a client does not have to send', async () => {
    const document = (await request(t.url).get('/api/docs-json').expect(200)).body as OpenApiDocument;
    const start = document.paths['/api/export/start'].post;
    expect(start.parameters).toEqual([expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false })]);
    const list = document.paths['/api/export'].get;
    const required = (list.parameters ?? []).filter((parameter) => parameter.required).map((parameter) => parameter.name);
    expect(required).toEqual([]);
  });

  it('declares download errors as the JSON envelope, not as a ZIP', async () => {
    const document = (await request(t.url).get('/api/docs-json').expect(200)).body as OpenApiDocument;
    const responses = document.paths['/api/export/{jobId}/download'].get.responses;
    expect(Object.keys(responses['200'].content ?? {})).toEqual(['application/zip']);
    for (const status of ['401', '404', '409', '410', '416', '429']) {
      expect(Object.keys(responses[status].content ?? {})).toEqual(['application/json']);
    }
  });

  it('serves Swagger UI', async () => {
    const res = await request(t.url).get('/api/docs/').expect(200);
    expect(res.text).toContain('swagger-ui');
  });
});
