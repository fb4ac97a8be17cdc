import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import type { RunningSandbox } from '../../apps/platform-sandbox/src';
import { uniqueEmail } from '../support/auth-helpers';
import type { TestApp } from '../support/test-app';
import { startYouTubeHarness } from '../youtube/youtube-support';
import { runExportFlow } from './typed-client/export-flow';

const root = join(__dirname, '../..');
const generatedPath = join(__dirname, 'typed-client/star-export-api.d.ts');
const flowPath = join(__dirname, 'typed-client/export-flow.ts');

/** openapi-typescript over the committed openapi.json, as an integrator would run it. */
function generateClientTypes(): string {
  const dir = mkdtempSync(join(tmpdir(), 'star-export-client-'));
  try {
    const out = join(dir, 'star-export-api.d.ts');
    execFileSync(join(root, 'node_modules/.bin/openapi-typescript'), [join(root, 'openapi.json'), '-o', out], { stdio: 'pipe' });
    return readFileSync(out, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `x as T`, `<T>x` and `x!` in a program, by their source text. */
function castsIn(source: ts.SourceFile): string[] {
  const casts: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isAsExpression(node) || ts.isTypeAssertionExpression(node) || ts.isNonNullExpression(node)) {
      casts.push(node.getText(source));
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return casts;
}

/**
 * A client generated from the committed OpenAPI document with a mainstream generator
 * (openapi-typescript + openapi-fetch) drives register → connect → start → status → download:
 * the program type-checks without casts, and runs against the service and the platform sandbox.
 */
describe('A client generated from openapi.json', () => {
  it('is what openapi-typescript makes of the committed document', () => {
    const generated = generateClientTypes();
    if (process.env.UPDATE_OPENAPI === '1') writeFileSync(generatedPath, generated);
    expect(readFileSync(generatedPath, 'utf8')).toBe(generated);
  }, 60_000);

  it('types the whole flow without casts or phantom parameters', () => {
    const source = ts.createSourceFile(flowPath, readFileSync(flowPath, 'utf8'), ts.ScriptTarget.ES2023, true);
    expect(castsIn(source)).toEqual([]);
    const program = ts.createProgram([flowPath], {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      target: ts.ScriptTarget.ES2023,
      lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
      module: ts.ModuleKind.Node16,
      moduleResolution: ts.ModuleResolutionKind.Node16,
      types: [],
    });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    expect(problems).toEqual([]);
  }, 60_000);

  describe('against the service and the sandbox', () => {
    let sandbox: RunningSandbox;
    let t: TestApp;
    let stop: (() => Promise<void>) | undefined;

    beforeAll(async () => {
      ({ sandbox, t, close: stop } = await startYouTubeHarness());
    }, 600_000);
    afterAll(async () => {
      await stop?.();
    });

    it('registers, connects YouTube, exports and downloads the ZIP', async () => {
      const tokens = sandbox.admin.issueTokens({ account: 'alice' });
      const result = await runExportFlow({
        baseUrl: t.url,
        account: { email: uniqueEmail('client'), password: 'correct horse battery', name: 'Generated Client' },
        youtube: { accessToken: tokens.access_token, refreshToken: tokens.refresh_token },
        pollMs: 300,
      });
      expect(result.finished).toMatchObject({ status: 'completed', progress: 100, error: null });
      expect(result.contentType).toBe('application/zip');
      // A ZIP starts with the local file header signature PK\x03\x04.
      expect(Buffer.from(result.archive).subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    }, 300_000);
  });
});
