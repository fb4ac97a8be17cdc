import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { newAddress, registerUser } from '../support/auth-helpers';
import { TestApp, startTestApp } from '../support/test-app';

type HttpMethod = 'get' | 'post';

interface Schema {
  $ref?: string;
  type?: string;
  allOf?: Schema[];
  properties?: Record<string, Schema>;
  items?: Schema;
}

interface Operation {
  parameters?: { in: string; name: string }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}

interface OpenApi {
  paths: Record<string, Partial<Record<HttpMethod, Operation>>>;
  components: { schemas: Record<string, Schema> };
}

/** One request that carries a NUL in exactly one place, and the field the answer must name. */
interface NulCase {
  name: string;
  method: HttpMethod;
  path: string;
  body?: object;
  field: string;
}

const NUL_TEXT = 'a\u0000b';
/** Harmless values for the path parameters a case does not aim at. */
const SAMPLE_PARAMS: Record<string, string> = { platform: 'youtube', jobId: randomUUID() };

/**
 * Every request of the API's own OpenAPI document, once per string it takes (path parameter, query
 * parameter, JSON body field at any depth) with a NUL character in that one string. Generated, so a
 * route added later is covered without anyone listing it here.
 */
function nulCases(document: OpenApi): NulCase[] {
  const resolve = (schema: Schema): Schema => {
    if (schema.$ref) return resolve(document.components.schemas[schema.$ref.split('/').pop() as string]);
    if (schema.allOf?.length === 1) return resolve(schema.allOf[0]);
    return schema;
  };
  /** [dotted field, body holding NUL there] for every string the schema admits. */
  const stringsOf = (schema: Schema, path: string[]): [string, unknown][] => {
    const resolved = resolve(schema);
    if (resolved.type === 'string') return [[path.join('.'), NUL_TEXT]];
    if (resolved.type === 'array' && resolved.items) {
      return stringsOf(resolved.items, [...path, '0']).map(([field, value]) => [field, [value]]);
    }
    return Object.entries(resolved.properties ?? {}).flatMap(([key, child]) =>
      stringsOf(child, [...path, key]).map(([field, value]): [string, unknown] => [field, { [key]: value }]),
    );
  };

  const cases: NulCase[] = [];
  for (const [template, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations) as [HttpMethod, Operation][]) {
      const parameters = operation.parameters ?? [];
      const fill = (aimed?: string): string =>
        template.replace(/\{(\w+)\}/g, (_all, name: string) => (name === aimed ? '%00' : SAMPLE_PARAMS[name]));
      for (const { name } of parameters.filter((parameter) => parameter.in === 'path')) {
        cases.push({ name: `${method.toUpperCase()} ${template} path ${name}`, method, path: fill(name), field: 'path' });
      }
      for (const { name } of parameters.filter((parameter) => parameter.in === 'query')) {
        cases.push({ name: `${method.toUpperCase()} ${template}?${name}=`, method, path: `${fill()}?${name}=%00`, field: name });
      }
      const schema = operation.requestBody?.content['application/json']?.schema;
      for (const [field, body] of schema ? stringsOf(schema, []) : []) {
        cases.push({ name: `${method.toUpperCase()} ${template} body ${field}`, method, path: fill(), body: body as object, field });
      }
    }
  }
  return cases;
}

/**
 * A NUL character anywhere a client can put a string is refused at the edge with 400
 * INVALID_FORMAT naming where it was, never a 500 from the database that would refuse it later.
 */
describe('NUL characters in requests', () => {
  let t: TestApp;
  let auth: { Authorization: string };
  let cases: NulCase[];

  beforeAll(async () => {
    t = await startTestApp({ TRUST_PROXY: '1' });
    auth = { Authorization: `Bearer ${(await registerUser(t)).session.token}` };
    const document = (await request(t.url).get('/api/docs-json').expect(200)).body as OpenApi;
    cases = nulCases(document);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('covers every string-taking route, including sign-in, export and both OAuth callbacks', () => {
    const names = cases.map((c) => c.name);
    for (const expected of [
      'POST /api/auth/register body email',
      'POST /api/auth/login body email',
      'POST /api/auth/refresh body refreshToken',
      'POST /api/export/start body platform',
      'POST /api/export/start body options.dateRange.start',
      'POST /api/export/start body options.collections.0',
      'GET /api/export?status=',
      'GET /api/export/{jobId} path jobId',
      'GET /api/export/{jobId}/download?token=',
      'POST /api/platforms/{platform}/connect body accessToken',
      'POST /api/platforms/{platform}/connect path platform',
      'GET /api/auth/google/callback?state=',
      'GET /api/platforms/{platform}/oauth/callback?state=',
    ]) {
      expect(names).toContain(expected);
    }
  });

  it('answers 400 INVALID_FORMAT naming the field, on every one of them', async () => {
    const failures: string[] = [];
    for (const nulCase of cases) {
      const call = request(t.url)[nulCase.method](nulCase.path).set(auth).set('X-Forwarded-For', newAddress());
      const res = nulCase.body === undefined ? await call : await call.send(nulCase.body);
      const fields = (res.body?.details as { field: string; messages: string[] }[] | undefined) ?? [];
      const named = fields.find((detail) => detail.field === nulCase.field);
      const right =
        res.status === 400 &&
        res.body?.success === false &&
        res.body?.code === 'INVALID_FORMAT' &&
        typeof res.body?.error === 'string' &&
        named !== undefined &&
        /NUL/.test(named.messages.join(' '));
      if (!right) failures.push(`${nulCase.name}: ${res.status} ${res.text.slice(0, 200)}`);
    }
    expect(failures).toEqual([]);
  });

  it('refuses the raw JSON escape too, in keys as well as values, and a NUL in a cookie-less login', async () => {
    const raw = async (body: string): Promise<request.Response> =>
      request(t.url).post('/api/auth/login').set('X-Forwarded-For', newAddress()).set('Content-Type', 'application/json').send(body);
    const value = await raw('{"email":"a\\u0000b@t.example","password":"whatever password"}');
    expect(value.status).toBe(400);
    expect(value.body).toMatchObject({ success: false, code: 'INVALID_FORMAT', details: [{ field: 'email' }] });
    const key = await raw('{"email\\u0000":"a@t.example","password":"whatever password"}');
    expect(key.status).toBe(400);
    expect(key.body.code).toBe('INVALID_FORMAT');
  });

  it('lets the same requests through without the NUL, and a literal "%00" text through as text', async () => {
    const login = await request(t.url)
      .post('/api/auth/login')
      .set('X-Forwarded-For', newAddress())
      .send({ email: 'nobody@t.example', password: 'whatever password' });
    expect(login.status).toBe(401);
    const literal = await request(t.url).get('/api/export?platform=%2500').set(auth);
    expect(literal.status).toBe(400);
    expect(literal.body.details).toEqual([expect.objectContaining({ field: 'platform', messages: [expect.not.stringMatching(/NUL/)] })]);
  });
});
