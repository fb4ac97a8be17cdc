import { ChildProcess, spawn } from 'node:child_process';
import { CpuPlan, serverCommand } from './cpu';

/** A Node child process pinned like the service, with an IPC channel. */
export class PinnedChild<Message> {
  private readonly queue: Message[] = [];
  private readonly waiting: ((message: Message) => void)[] = [];
  private exited = false;
  private stderr = '';

  private constructor(readonly child: ChildProcess) {
    child.on('message', (message: Message) => {
      const waiter = this.waiting.shift();
      if (waiter) waiter(message);
      else this.queue.push(message);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-4000);
    });
    child.once('exit', () => {
      this.exited = true;
    });
  }

  /** `env` adds to this process's environment (for what should not show in the process list). */
  static spawn<Message>(cpu: CpuPlan, script: string, args: string[] = [], env: Record<string, string> = {}): PinnedChild<Message> {
    const { command, args: full } = serverCommand(cpu, [script, ...args]);
    return new PinnedChild<Message>(spawn(command, full, { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: { ...process.env, ...env } }));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  send(message: unknown): void {
    this.child.send(message as Parameters<ChildProcess['send']>[0]);
  }

  /** The next message, in order; rejects after `timeoutMs` or when the child exits first. */
  next(timeoutMs: number): Promise<Message> {
    const queued = this.queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const fail = (why: string): void => {
        clearTimeout(timer);
        clearInterval(watch);
        const index = this.waiting.indexOf(deliver);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(new Error(`${why}${this.stderr ? `:\n${this.stderr}` : ''}`));
      };
      const deliver = (message: Message): void => {
        clearTimeout(timer);
        clearInterval(watch);
        resolve(message);
      };
      const timer = setTimeout(() => fail(`no message from child within ${timeoutMs} ms`), timeoutMs);
      const watch = setInterval(() => {
        if (this.exited) fail('child exited');
      }, 200);
      this.waiting.push(deliver);
    });
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise((resolve) => this.child.once('exit', resolve));
    if (this.child.connected) this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await gone;
    clearTimeout(timer);
  }
}
