import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';

/**
 * Where processes run. With taskset and at least two allowed cores, every server under test (the
 * service, the minimal export script, the bare HTTP servers) runs on one core and this process (the
 * sandbox, autocannon, download and socket clients) on another, so they do not steal each other's CPU.
 */
export interface CpuPlan {
  cores: number;
  pinned: boolean;
  serverCore: number | null;
  benchCore: number | null;
  note: string;
  /** Command prefix for a server process: `['taskset', '-c', '0']`, or nothing. */
  serverPrefix: string[];
}

function allowedCores(): number[] | undefined {
  try {
    const out = execFileSync('taskset', ['-pc', String(process.pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const list = out.split(':').pop()?.trim() ?? '';
    const cores: number[] = [];
    for (const part of list.split(',')) {
      const [from, to] = part.split('-').map((n) => Number.parseInt(n, 10));
      if (Number.isNaN(from)) continue;
      for (let core = from; core <= (Number.isNaN(to ?? Number.NaN) ? from : to); core += 1) cores.push(core);
    }
    return cores;
  } catch {
    return undefined;
  }
}

export function planCpus(): CpuPlan {
  const cores = cpus().length;
  const unpinned = (note: string): CpuPlan => ({ cores, pinned: false, serverCore: null, benchCore: null, note, serverPrefix: [] });
  const allowed = allowedCores();
  if (!allowed) return unpinned('taskset not available: servers and load generators share every core');
  if (allowed.length < 2) return unpinned(`only ${allowed.length} core allowed: servers and load generators share it`);
  const [serverCore, benchCore] = allowed;
  try {
    // -a: every thread this process already has (libuv pool, V8 helpers); new ones inherit it.
    execFileSync('taskset', ['-a', '-pc', String(benchCore), String(process.pid)], { stdio: 'ignore' });
  } catch {
    return unpinned('taskset could not pin this process: servers and load generators share every core');
  }
  return {
    cores,
    pinned: true,
    serverCore,
    benchCore,
    note: `servers under test on core ${serverCore}; sandbox and load generators on core ${benchCore}`,
    serverPrefix: ['taskset', '-c', String(serverCore)],
  };
}

/** The command and arguments that run `node <args>` under the server pinning. */
export function serverCommand(plan: CpuPlan, args: string[]): { command: string; args: string[] } {
  if (plan.serverPrefix.length === 0) return { command: process.execPath, args };
  const [command, ...prefix] = plan.serverPrefix;
  return { command, args: [...prefix, process.execPath, ...args] };
}
