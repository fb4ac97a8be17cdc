/**
 * `npm run bench` (`-- --quick` for the short version): Star Export against the platform sandbox on
 * loopback, every figure a ratio of two contenders measured side by side in the same run, in each
 * runtime mode (embedded, then server). Prints a table and writes bench/results.json. See
 * "Benchmarks" in README.md.
 */
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { apiOverheadFigure, ApiOverheadResult } from './figures/api-overhead';
import { downloadFigure, DownloadResult } from './figures/download';
import { importMemoryFigure, ImportMemoryResult } from './figures/import-memory';
import { memoryFigure, MemoryResult } from './figures/memory';
import { quotaKillFigure, KillResult } from './figures/quota-kill';
import { ThroughputCell, ThroughputCellResult, throughputFigure } from './figures/throughput';
import { BenchContext, RunningService, bootService } from './lib/context';
import { planCpus } from './lib/cpu';
import { Format, serviceExport } from './lib/export-run';
import { Row, count, fixed, int, markdownTable, mib, ms, textTable } from './lib/report';
import { RUNTIME_MODES, Runtime, RuntimeMode, prepareServerRuntime, redactUrl } from './lib/runtime';
import { RunningSandbox, minimumUnits, startBenchSandbox } from './lib/sandbox';
import { median, percentile, round } from './lib/stats';

const FIGURES = ['throughput', 'memory', 'api', 'kill', 'download', 'import'] as const;
type FigureName = (typeof FIGURES)[number];

interface Plan {
  run: 'full' | 'quick';
  warmupItems: number;
  throughput: ThroughputCell[];
  memory: { small: number; big: number };
  api: { connections: number; seconds: number; warmupSeconds: number; reps: number; initialUsers: number };
  kill: { items: number } | null;
  download: { bytes: number; reps: number; warmup: boolean };
  /** Figure 7: archive sizes in bytes, imported one after the other by one fresh process. */
  import: { small: number; big: number };
  warmupFormats: Format[];
}

const MIB = 2 ** 20;
/** What a new install may hold at rest (figure 2's first row). */
const IDLE_RSS_TARGET_BYTES = 350e6;

interface Args {
  quick: boolean;
  only: Set<FigureName>;
  modes: RuntimeMode[];
  writeReadme: boolean;
  keep: boolean;
  logLevel: string;
  output: string;
  overrides: Map<string, string>;
}

const ROOT = resolve(__dirname, '../../..');

function parseArgs(argv: string[]): Args {
  const overrides = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`unknown argument ${arg} (see README.md, Benchmarks)`);
    overrides.set(match[1], match[2] ?? 'true');
  }
  const only = overrides.get('only');
  const chosen = only ? only.split(',').map((name) => name.trim()) : [...FIGURES];
  for (const name of chosen) if (!FIGURES.includes(name as FigureName)) throw new Error(`--only: unknown figure ${name}; choose from ${FIGURES.join(', ')}`);
  const modes = (overrides.get('modes') ?? RUNTIME_MODES.join(',')).split(',').map((name) => name.trim());
  for (const name of modes) if (!RUNTIME_MODES.includes(name as RuntimeMode)) throw new Error(`--modes: unknown mode ${name}; choose from ${RUNTIME_MODES.join(', ')}`);
  return {
    quick: overrides.has('quick'),
    only: new Set(chosen as FigureName[]),
    // Always embedded first, whatever the order given: the table and results read the same every run.
    modes: RUNTIME_MODES.filter((mode) => modes.includes(mode)),
    writeReadme: overrides.has('write-readme'),
    keep: overrides.has('keep'),
    logLevel: overrides.get('log-level') ?? 'info',
    // A quick run must not overwrite the recorded full run.
    output: resolve(ROOT, overrides.get('output') ?? (overrides.has('quick') ? 'bench/results.quick.json' : 'bench/results.json')),
    overrides,
  };
}

const numberList = (value: string | undefined): number[] | undefined =>
  value === undefined ? undefined : value.split(',').map((n) => Number.parseInt(n.replace(/_/g, ''), 10));

/**
 * The sizes of one mode's part of the run. A full run's server mode makes fewer repetitions than
 * embedded mode; figure 2's big export is 1,000,000 items in both. `--reps` and the other size
 * options apply to both modes as given.
 */
function makePlan(args: Args, runtime: RuntimeMode): Plan {
  const o = args.overrides;
  const num = (name: string): number | undefined => numberList(o.get(name))?.[0];
  const formats: Format[] = ['json', 'csv'];
  if (args.quick) {
    const reps = num('reps') ?? 2;
    return {
      run: 'quick',
      warmupItems: 500,
      throughput: [
        ...(numberList(o.get('items')) ?? [2_000]).flatMap((items) => formats.map((format) => ({ items, latencyMs: 0, format, reps }))),
        { items: num('latency-items') ?? 300, latencyMs: 100, format: 'json' as const, reps },
      ],
      memory: { small: num('memory-small') ?? 1_000, big: num('memory-items') ?? 10_000 },
      api: { connections: 10, seconds: 2, warmupSeconds: 1, reps, initialUsers: 40 },
      kill: o.has('kill-items') ? { items: num('kill-items') ?? 2_000 } : null,
      download: { bytes: 2 ** 30, reps: num('reps') ?? 1, warmup: false },
      import: { small: 20 * MIB, big: num('import-bytes') ?? 100 * MIB },
      warmupFormats: ['json'],
    };
  }
  const server = runtime === 'server';
  const reps = num('reps') ?? (server ? 2 : 3);
  const sizes = numberList(o.get('items')) ?? [10_000, 100_000];
  return {
    run: 'full',
    warmupItems: 1_000,
    throughput: [
      ...sizes.flatMap((items) => formats.map((format) => ({ items, latencyMs: 0, format, reps: items >= 100_000 ? (num('big-reps') ?? 1) : reps }))),
      ...formats.map((format) => ({ items: num('latency-items') ?? 2_000, latencyMs: 100, format, reps })),
    ],
    memory: { small: num('memory-small') ?? 10_000, big: num('memory-items') ?? 1_000_000 },
    api: { connections: 10, seconds: 10, warmupSeconds: 3, reps, initialUsers: 100 },
    kill: { items: num('kill-items') ?? 10_000 },
    download: { bytes: 2 ** 30, reps, warmup: true },
    import: { small: 20 * MIB, big: num('import-bytes') ?? 2 * 1024 * MIB },
    warmupFormats: formats,
  };
}

/** One mode's figures, as its part of the run produces them. */
interface ModeFigures {
  throughput?: ReturnType<typeof throughputSummary>;
  memory?: MemoryResult;
  apiOverhead?: ApiOverheadResult;
  quota?: { faultFree: ReturnType<typeof quotaSummary>; kill?: KillResult; killSkipped?: string };
  progress?: ReturnType<typeof progressSummary>;
  download?: DownloadResult;
  importMemory?: ImportMemoryResult;
}

type InMode<T> = { mode: RuntimeMode } & T;
type Entries<T> = T extends (infer E)[] ? InMode<E>[] : InMode<T>[];

/** One runtime mode's part of the run, or why it did not run. */
interface ModeRun {
  mode: RuntimeMode;
  status: 'ran' | 'skipped';
  skipped?: string;
  /** Server mode: the admin connection and Redis it used (passwords hidden), and the scratch databases it created. */
  postgres?: string;
  redis?: string;
  databases?: string[];
  durationSeconds: number;
  plan: Plan;
}

interface Results {
  /** 2: figures are lists of entries, each with its runtime mode; `modes` says which modes ran. */
  schema: 2;
  generatedAt: string;
  run: 'full' | 'quick';
  node: string;
  cpus: number;
  cpuModel: string;
  memoryBytes: number;
  kernel: string;
  pinning: { pinned: boolean; note: string };
  /** 1-minute load average when the run started and ended: other work on the machine skews figures. */
  loadAverage: { start: number; end: number };
  logLevel: string;
  durationSeconds: number;
  modes: ModeRun[];
  /** Every entry carries its mode: { mode: 'embedded' | 'server', ...figure }. */
  figures: { [K in keyof ModeFigures]-?: Entries<NonNullable<ModeFigures[K]>> };
  /** Keyed by "<mode>: <figure>". */
  errors: Record<string, string>;
  notes: string[];
  table: Row[];
}

function throughputSummary(cells: ThroughputCellResult[]) {
  return cells.map((cell) => ({
    items: cell.items,
    latencyMs: cell.latencyMs,
    format: cell.format,
    reps: cell.reps,
    serviceItemsPerSecond: round(cell.serviceItemsPerSecond, 1),
    baselineItemsPerSecond: round(cell.baselineItemsPerSecond, 1),
    ratio: round(cell.ratio, 3),
    serviceRuns: cell.service.map((run) => ({
      itemsPerSecond: round(run.itemsPerSecond, 1),
      ms: run.ms,
      units: run.units,
      firstProgressMs: run.firstProgressMs,
      archiveBytes: run.archiveBytes,
      completedBy: run.viaPoll ? 'poll' : 'socket',
    })),
    baselineRuns: cell.baseline.map((run) => ({ itemsPerSecond: round(run.itemsPerSecond, 1), ms: run.ms, units: run.units, firstPageMs: round(run.firstPageMs, 1), archiveBytes: run.archiveBytes })),
  }));
}

function quotaSummary(cells: ThroughputCellResult[], memory?: MemoryResult) {
  const bySize = new Map<number, number[]>();
  for (const cell of cells) for (const run of cell.service) bySize.set(cell.items, [...(bySize.get(cell.items) ?? []), run.units]);
  for (const run of memory ? [memory.small, memory.big] : []) bySize.set(run.items, [...(bySize.get(run.items) ?? []), run.units]);
  return [...bySize.entries()]
    .sort(([a], [b]) => a - b)
    .map(([items, units]) => ({
      items,
      exports: units.length,
      minimumUnits: minimumUnits(items),
      unitsMedian: median(units),
      unitsMax: Math.max(...units),
      quotaEfficiency: round(minimumUnits(items) / median(units), 4),
      worstQuotaEfficiency: round(minimumUnits(items) / Math.max(...units), 4),
    }));
}

function progressSummary(cells: ThroughputCellResult[]) {
  const byLatency = new Map<number, ThroughputCellResult[]>();
  for (const cell of cells) byLatency.set(cell.latencyMs, [...(byLatency.get(cell.latencyMs) ?? []), cell]);
  return [...byLatency.entries()].map(([latencyMs, group]) => {
    // The smallest size at this latency: the progress figures do not depend on the size.
    const items = Math.min(...group.map((cell) => cell.items));
    const chosen = group.filter((cell) => cell.items === items);
    const service = chosen.flatMap((cell) => cell.service);
    const pages = service.flatMap((run) => run.pageEventLatencyMs);
    const firstProgressMs = median(service.map((run) => run.firstProgressMs));
    const firstPageMs = median(chosen.flatMap((cell) => cell.baseline.map((run) => run.firstPageMs)));
    return {
      latencyMs,
      items,
      exports: service.length,
      firstProgressMs: round(firstProgressMs, 1),
      baselineFirstPageMs: round(firstPageMs, 1),
      ratio: round(firstProgressMs / firstPageMs, 2),
      pages: pages.length,
      pageEventP50Ms: round(percentile(pages, 50), 1),
      pageEventP99Ms: round(percentile(pages, 99), 1),
      pageEventMaxMs: pages.length ? Math.max(...pages) : Number.NaN,
    };
  });
}

/** One mode's rows: its figures, then its failures. */
function modeRows(mode: RuntimeMode, f: ModeFigures, errors: Record<string, string>): Row[] {
  const rows: Omit<Row, 'mode'>[] = [];
  for (const cell of f.throughput ?? []) {
    rows.push({
      figure: '1',
      what: `Export throughput, ${cell.format}, ${cell.latencyMs} ms/page`,
      sizes: `${count(cell.items)} items ×${cell.reps}`,
      service: `${int(cell.serviceItemsPerSecond)} items/s`,
      reference: `${int(cell.baselineItemsPerSecond)} items/s minimal script`,
      ratio: fixed(cell.ratio),
    });
  }
  if (f.memory) {
    const m = f.memory;
    rows.push({
      figure: '2',
      what: 'RSS at rest, first start on an empty DATA_DIR',
      sizes: '–',
      service: mib(m.idleRssBytes),
      reference: `350 MB (${mib(IDLE_RSS_TARGET_BYTES)}) target`,
      ratio: fixed(m.idleRssBytes / IDLE_RSS_TARGET_BYTES),
    });
    rows.push({
      figure: '2',
      what: `Peak RSS during an export (${m.method})`,
      sizes: `${count(m.big.items)} vs ${count(m.small.items)} items`,
      service: mib(m.big.peakRssBytes),
      reference: `${mib(m.small.peakRssBytes)} at ${count(m.small.items)}`,
      ratio: `${fixed(m.ratio)} (${int(m.bytesPerItem)} B/item)`,
    });
  }
  if (f.apiOverhead) {
    const a = f.apiOverhead;
    const sizes = `${a.connections} conns, ${a.durationSeconds} s ×${a.service.length}`;
    const non2xx = a.service.reduce((sum, run) => sum + run.non2xx, 0);
    rows.push({
      figure: '3',
      what: 'GET /api/export/:id, requests/s',
      sizes,
      service: `${int(a.serviceRps)} req/s${non2xx ? ` (${non2xx} non-2xx)` : ''}`,
      reference: `${int(a.bareRps)} req/s bare node:http`,
      ratio: fixed(a.rpsRatio),
    });
    rows.push({
      figure: '3',
      what: 'GET /api/export/:id, requests/s vs the anchor',
      sizes,
      service: `${int(a.serviceRps)} req/s`,
      reference: `${int(a.anchorRps)} req/s minimal Nest app`,
      ratio: fixed(a.anchorRpsRatio),
    });
    rows.push({
      figure: '3',
      what: 'GET /api/export/:id, p99 latency',
      sizes,
      service: ms(a.serviceP99Ms),
      reference: `${ms(a.bareP99Ms)} bare node:http (anchor ${ms(a.anchorP99Ms)})`,
      ratio: fixed(a.p99Ratio),
    });
  }
  if (f.quota) {
    const q = f.quota.faultFree;
    if (q.length > 0) {
      const exports = q.reduce((sum, size) => sum + size.exports, 0);
      const exact = q.filter((size) => size.unitsMax === size.minimumUnits).reduce((sum, size) => sum + size.exports, 0);
      const worst = Math.min(...q.map((size) => size.worstQuotaEfficiency));
      rows.push({
        figure: '4',
        what: 'Quota efficiency, fault-free (worst export)',
        sizes: `${count(q[0].items)}–${count(q[q.length - 1].items)} items, ${exports} exports`,
        service: `minimum units in ${exact} of ${exports}`,
        reference: `1 + 2·⌈N/50⌉ units`,
        ratio: fixed(worst, 3),
      });
    }
    if (f.quota.kill) {
      const k = f.quota.kill;
      rows.push({
        figure: '4',
        what: 'Quota efficiency, kill -9 at 50 % + restart',
        sizes: `${count(k.items)} items ×1`,
        service: `${int(k.units)} units counted`,
        reference: `${int(k.minimumUnits)} units minimum`,
        ratio: fixed(k.quotaEfficiency, 3),
      });
    } else {
      rows.push({ figure: '4', what: 'Quota efficiency, kill -9 at 50 % + restart', sizes: '–', service: 'not run', reference: f.quota.killSkipped ?? '', ratio: '–' });
    }
  }
  for (const p of f.progress ?? []) {
    rows.push({
      figure: '5',
      what: `First progress event after start, ${p.latencyMs} ms/page`,
      sizes: `${count(p.items)} items ×${p.exports}`,
      service: ms(p.firstProgressMs),
      reference: `${ms(p.baselineFirstPageMs)} script's first page`,
      ratio: fixed(p.ratio),
    });
    rows.push({
      figure: '5',
      what: `Progress event latency p50 / p99, ${p.latencyMs} ms/page`,
      sizes: `${count(p.pages)} pages`,
      service: `${int(p.pageEventP50Ms)} / ${int(p.pageEventP99Ms)} ms`,
      reference: 'page served → event received',
      ratio: '–',
    });
  }
  if (f.download) {
    const d = f.download;
    rows.push({
      figure: '6',
      what: 'Download of a 1 GiB archive',
      sizes: `${(d.bytes / 2 ** 30).toFixed(2)} GiB ×${d.service.length}`,
      service: `${int(d.serviceMBps)} MB/s (RSS +${mib(d.serviceRssDeltaBytes)})`,
      reference: `${int(d.bareMBps)} MB/s bare fs stream`,
      ratio: fixed(d.ratio),
    });
  }
  if (f.importMemory) {
    const m = f.importMemory;
    const size = (bytes: number): string => (bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(2)} GiB` : mib(bytes));
    rows.push({
      figure: '7',
      what: `Peak RSS during an X archive import (${m.method})`,
      sizes: `${size(m.big.archiveBytes)} (${count(m.big.posts)} posts) vs ${size(m.small.archiveBytes)}`,
      service: `${mib(m.big.peakRssBytes)} (${mib(m.big.startRssBytes)} before)`,
      reference: `${mib(m.small.peakRssBytes)} at ${size(m.small.archiveBytes)} (${mib(m.small.startRssBytes)} before)`,
      ratio: fixed(m.ratio),
    });
  }
  for (const [figure, message] of Object.entries(errors)) {
    rows.push({ figure: '!', what: `${figure} failed`, sizes: '', service: message.split('\n')[0].slice(0, 80), reference: '', ratio: '–' });
  }
  return rows.map((row) => ({ ...row, mode }));
}

/** Figure by figure, each figure's rows of every mode together, failures and skipped modes last. */
function tableRows(byMode: Row[][]): Row[] {
  const order = (row: Row): number => (/^\d+$/.test(row.figure) ? Number(row.figure) : Number.MAX_SAFE_INTEGER);
  return byMode.flat().sort((a, b) => order(a) - order(b));
}

function summaryLine(results: Results): string {
  const modes = results.modes.map((run) => (run.status === 'ran' ? `${run.mode} ${Math.round(run.durationSeconds)} s` : `${run.mode} skipped`)).join(', ');
  return (
    `${results.generatedAt.slice(0, 16).replace('T', ' ')} UTC, ${results.run} run (${modes}), Node ${results.node}, ${results.cpus} cores (${results.cpuModel}), ` +
    `${results.pinning.note}, load average ${results.loadAverage.start} at the start and ${results.loadAverage.end} at the end, ${Math.round(results.durationSeconds)} s`
  );
}

const README_START = '<!-- bench:results:start -->';
const README_END = '<!-- bench:results:end -->';

function writeReadme(results: Results): void {
  const path = join(ROOT, 'README.md');
  const text = readFileSync(path, 'utf8');
  const start = text.indexOf(README_START);
  const end = text.indexOf(README_END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${README_START} … ${README_END} block`);
  const notes = results.notes.map((note) => `- ${note}\n`).join('');
  const block = `${README_START}\nLatest run: ${summaryLine(results)}.\n\n${markdownTable(results.table)}\n${notes ? `\n${notes}` : ''}`;
  writeFileSync(path, text.slice(0, start) + block + text.slice(end));
}

type Attempt = <T>(name: string, work: () => Promise<T>) => Promise<T | undefined>;

/** One runtime mode's part of the run: every chosen figure, through the services it boots in that mode. */
async function runMode(ctx: BenchContext, args: Args, plan: Plan): Promise<{ figures: ModeFigures; errors: Record<string, string>; notes: string[] }> {
  const figures: ModeFigures = {};
  const errors: Record<string, string> = {};
  const notes: string[] = [];
  const attempt: Attempt = async (name, work) => {
    ctx.log(`${name} (${ctx.runtime.mode} mode)`);
    try {
      return await work();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      errors[name] = message;
      ctx.log(`${name} (${ctx.runtime.mode} mode) FAILED: ${message}`);
      return undefined;
    }
  };

  let cells: ThroughputCellResult[] = [];
  let main: RunningService | undefined;
  try {
    if (args.only.has('throughput') || args.only.has('api') || args.only.has('download')) {
      main = await attempt('Service start-up', () => bootService(ctx, 'main'));
    }
    if (main) {
      const running = main;
      if (args.only.has('throughput')) {
        cells = (await attempt('Figure 1: export throughput (with figures 4 and 5)', () => throughputFigure(ctx, running, plan.throughput, plan.warmupItems, plan.warmupFormats))) ?? [];
      }
      let sourceJobId: string | undefined = cells[0]?.service[0]?.jobId;
      if (!sourceJobId && (args.only.has('api') || args.only.has('download'))) {
        sourceJobId = (await attempt('Source export for figures 3 and 6', () => serviceExport(ctx, running, { videos: 1_000, format: 'json', timeoutMs: 120_000 })))?.jobId;
      }
      if (args.only.has('api') && sourceJobId) {
        const source = sourceJobId;
        figures.apiOverhead = await attempt('Figure 3: API overhead', () => apiOverheadFigure(ctx, running, source, plan.api));
      }
      if (args.only.has('download') && sourceJobId) {
        const source = sourceJobId;
        figures.download = await attempt('Figure 6: archive download', () => downloadFigure(ctx, running, source, plan.download));
      }
      await running.service.stop();
    }
    if (args.only.has('kill')) {
      if (plan.kill) {
        const items = plan.kill.items;
        const kill = await attempt('Figure 4: quota after kill -9', () => quotaKillFigure(ctx, items));
        figures.quota = { faultFree: [], kill };
      } else {
        figures.quota = { faultFree: [], killSkipped: '--quick skips it (in server mode the restart waits out the 15 s queue lock)' };
      }
    }
    if (args.only.has('memory')) {
      figures.memory = await attempt('Figure 2: memory', () => memoryFigure(ctx, plan.memory.small, plan.memory.big));
    }
    if (args.only.has('import')) {
      figures.importMemory = await attempt('Figure 7: memory of an archive import', () => importMemoryFigure(ctx, plan.import));
    }
  } finally {
    if (main?.service.running) await main.service.stop();
  }

  if (cells.length > 0) {
    figures.throughput = throughputSummary(cells);
    figures.progress = progressSummary(cells);
  }
  if (cells.length > 0 || figures.memory || figures.quota) {
    const faultFree = quotaSummary(cells, figures.memory);
    figures.quota = { ...(figures.quota ?? { killSkipped: '--only left it out' }), faultFree };
  }
  const label = `${ctx.runtime.mode[0].toUpperCase()}${ctx.runtime.mode.slice(1)} mode`;
  if (figures.memory?.big.quotaCredited) {
    notes.push(
      `${label}, figure 2: the service allows 10,000 YouTube units per user per day; the ${count(figures.memory.big.items)}-item export needs ${count(minimumUnits(figures.memory.big.items))}, so the bench credited that user's quota ledger first.`,
    );
  }
  return { figures, errors, notes };
}

/** Adds one mode's figures to the results, each entry tagged with the mode. */
function addFigures(into: Results['figures'], mode: RuntimeMode, f: ModeFigures): void {
  const tag = <T extends object>(value: T): InMode<T> => ({ mode, ...value });
  into.throughput.push(...(f.throughput ?? []).map(tag));
  into.progress.push(...(f.progress ?? []).map(tag));
  if (f.memory) into.memory.push(tag(f.memory));
  if (f.apiOverhead) into.apiOverhead.push(tag(f.apiOverhead));
  if (f.quota) into.quota.push(tag(f.quota));
  if (f.download) into.download.push(tag(f.download));
  if (f.importMemory) into.importMemory.push(tag(f.importMemory));
}

/** The runtime of a mode, or why it cannot run on this machine. */
async function prepareRuntime(mode: RuntimeMode): Promise<{ runtime: Runtime } | { skipped: string }> {
  return mode === 'server' ? prepareServerRuntime(process.env) : { runtime: { mode: 'embedded' } };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const plans = args.modes.map((mode) => ({ mode, plan: makePlan(args, mode) }));
  const run = args.quick ? 'quick' : 'full';
  const started = Date.now();
  const log = (line: string): void => {
    process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
  };
  const cpu = planCpus();
  log(`Star Export benchmarks, ${run} run in ${args.modes.join(' and ')} mode: Node ${process.version}, ${cpus().length} cores; ${cpu.note}`);

  const sizes = plans.flatMap(({ plan }) => [plan.warmupItems, ...plan.throughput.map((cell) => cell.items), plan.memory.small, plan.kill?.items ?? 0, 1_000]);
  const sandbox: RunningSandbox = await startBenchSandbox(sizes.filter((size) => size > 0));
  const workDir = mkdtempSync(join(tmpdir(), 'se-bench-'));
  log(`sandbox on ${sandbox.url}; scratch in ${workDir}`);

  const results: Results = {
    schema: 2,
    generatedAt: new Date().toISOString(),
    run,
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryBytes: totalmem(),
    kernel: release(),
    pinning: { pinned: cpu.pinned, note: cpu.note },
    loadAverage: { start: round(loadavg()[0], 2), end: Number.NaN },
    logLevel: args.logLevel,
    durationSeconds: 0,
    modes: [],
    figures: { throughput: [], memory: [], apiOverhead: [], quota: [], progress: [], download: [], importMemory: [] },
    errors: {},
    notes: [],
    table: [],
  };
  const rows: Row[][] = [];

  try {
    for (const { mode, plan } of plans) {
      const modeStarted = Date.now();
      const entry: ModeRun = { mode, status: 'ran', durationSeconds: 0, plan };
      results.modes.push(entry);
      const prepared = await prepareRuntime(mode);
      if ('skipped' in prepared) {
        entry.status = 'skipped';
        entry.skipped = prepared.skipped;
        log(`${mode} mode skipped: ${prepared.skipped}`);
        results.notes.push(`${mode[0].toUpperCase()}${mode.slice(1)} mode did not run: ${prepared.skipped}.`);
        rows.push([{ figure: '–', mode, what: 'Every figure', sizes: '–', service: 'skipped', reference: prepared.skipped, ratio: '–' }]);
        continue;
      }
      const { runtime } = prepared;
      if (runtime.mode === 'server') {
        entry.postgres = redactUrl(runtime.adminUrl);
        entry.redis = redactUrl(runtime.redisUrl);
      }
      log(`${mode} mode${runtime.mode === 'server' ? `: scratch databases on ${entry.postgres}, Redis ${entry.redis}` : ''}`);
      const ctx: BenchContext = { root: ROOT, distDir: join(ROOT, 'dist/bench/bench'), workDir, cpu, quick: args.quick, logLevel: args.logLevel, runtime, sandbox, log };
      try {
        const outcome = await runMode(ctx, args, plan);
        addFigures(results.figures, mode, outcome.figures);
        for (const [name, message] of Object.entries(outcome.errors)) results.errors[`${mode}: ${name}`] = message;
        results.notes.push(...outcome.notes);
        rows.push(modeRows(mode, outcome.figures, outcome.errors));
      } finally {
        if (runtime.mode === 'server') {
          entry.databases = [...runtime.databases.created];
          if (args.keep) log(`kept the scratch databases ${entry.databases.join(', ')}`);
          else await runtime.databases.dropAll().catch((error: unknown) => log(`could not drop the scratch databases: ${String(error)}`));
        }
        entry.durationSeconds = round((Date.now() - modeStarted) / 1000, 1);
      }
    }
  } finally {
    await sandbox.close();
  }

  if (!cpu.pinned) results.notes.push(cpu.note);
  results.durationSeconds = (Date.now() - started) / 1000;
  results.loadAverage.end = round(loadavg()[0], 2);
  results.table = tableRows(rows);

  const temporary = `${args.output}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(results, null, 2)}\n`);
  renameSync(temporary, args.output);
  if (args.writeReadme) writeReadme(results);
  if (!args.keep) rmSync(workDir, { recursive: true, force: true });

  const notes = results.notes.map((note) => `  ${note}\n`).join('');
  process.stdout.write(`\nStar Export benchmarks: ${summaryLine(results)}\n\n${textTable(results.table)}\n\n${notes}Wrote ${args.output}\n`);
  process.exitCode = Object.keys(results.errors).length > 0 ? 1 : 0;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
