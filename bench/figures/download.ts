import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { PinnedChild } from '../lib/child';
import type { BenchContext, RunningService } from '../lib/context';
import { copyExportRow, withDatabase } from '../lib/db';
import { RssSampler } from '../lib/proc';
import { median, ratio } from '../lib/stats';

export interface DownloadRun {
  bytes: number;
  ms: number;
  megabytesPerSecond: number;
}

export interface DownloadResult {
  bytes: number;
  service: DownloadRun[];
  bare: DownloadRun[];
  serviceMBps: number;
  bareMBps: number;
  /** service ÷ bare, medians. */
  ratio: number;
  /** Highest service RSS during its downloads minus its RSS before them. */
  serviceRssDeltaBytes: number;
}

/** GETs `url` to the end, throwing the body away; MB are 10^6 bytes. */
function download(url: string, headers: Record<string, string>, expected: number): Promise<DownloadRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(url, { headers, agent: false }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        return reject(new Error(`${url}: HTTP ${response.statusCode}`));
      }
      let bytes = 0;
      response.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      response.on('end', () => {
        const ms = performance.now() - started;
        if (bytes !== expected) return reject(new Error(`${url}: ${bytes} bytes, expected ${expected}`));
        resolve({ bytes, ms, megabytesPerSecond: bytes / 1e6 / (ms / 1000) });
      });
      response.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function writeArchive(path: string, bytes: number): Promise<void> {
  const block = randomBytes(4 * 2 ** 20);
  const out = createWriteStream(path);
  for (let written = 0; written < bytes; written += block.length) {
    const chunk = block.subarray(0, Math.min(block.length, bytes - written));
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  out.end();
  await finished(out);
}

/**
 * Figure 6: GET /api/export/:id/download of a 1 GiB archive versus a bare node:http server piping
 * fs.createReadStream of the same file. The archive is a fixture: a completed export row (a copy
 * of a real one) whose archive_path points at a generated 1 GiB file, instead of a 20-minute export.
 */
export async function downloadFigure(
  ctx: BenchContext,
  running: RunningService,
  sourceJobId: string,
  options: { bytes: number; reps: number; warmup: boolean },
): Promise<DownloadResult> {
  const dir = join(running.dataDir, 'exports', 'archives');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'bench-fixture.zip');
  const started = Date.now();
  await writeArchive(path, options.bytes);
  ctx.log(`  wrote a ${(options.bytes / 2 ** 30).toFixed(2)} GiB archive fixture (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  const bare = PinnedChild.spawn<{ type: 'listening'; port: number }>(ctx.cpu, join(ctx.distDir, 'contenders/bare-server.js'), ['file', path]);
  try {
    const user = await running.api.register('download');
    const [id] = await withDatabase(running.database, (client) => copyExportRow(client, sourceJobId, [user.id], { path, size: options.bytes }));
    const { port } = await bare.next(15_000);
    const serviceUrl = `${running.service.url}/api/export/${id}/download`;
    const bareUrl = `http://127.0.0.1:${port}/bench-fixture.zip`;
    const auth = { authorization: `Bearer ${user.token}` };

    const idleRss = running.service.rss() ?? 0;
    const sampler = new RssSampler(running.service.pid, 50);
    if (options.warmup) {
      await download(serviceUrl, auth, options.bytes);
      await download(bareUrl, {}, options.bytes);
    }
    const service: DownloadRun[] = [];
    const reference: DownloadRun[] = [];
    for (let rep = 0; rep < options.reps; rep += 1) {
      const order = rep % 2 === 0 ? (['service', 'bare'] as const) : (['bare', 'service'] as const);
      for (const contender of order) {
        const run = contender === 'service' ? await download(serviceUrl, auth, options.bytes) : await download(bareUrl, {}, options.bytes);
        (contender === 'service' ? service : reference).push(run);
        ctx.log(`  rep ${rep + 1} ${contender}: ${run.megabytesPerSecond.toFixed(0)} MB/s`);
      }
    }
    const peak = sampler.stop();
    const serviceMBps = median(service.map((run) => run.megabytesPerSecond));
    const bareMBps = median(reference.map((run) => run.megabytesPerSecond));
    return {
      bytes: options.bytes,
      service,
      bare: reference,
      serviceMBps,
      bareMBps,
      ratio: ratio(serviceMBps, bareMBps),
      serviceRssDeltaBytes: peak - idleRss,
    };
  } finally {
    await bare.stop();
    rmSync(path, { force: true });
  }
}
