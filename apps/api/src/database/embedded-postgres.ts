import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { uuid_ossp } from '@electric-sql/pglite/contrib/uuid_ossp';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { batchProtocolMessages } from './protocol-batching';

/** Where a pg client finds the embedded server: a Unix socket directory, reachable only by this user. */
export interface EmbeddedPostgresEndpoint {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

const execFileAsync = promisify(execFile);

const SOCKET_PORT = 5432;
// Unix socket paths are limited to about 107 bytes on Linux.
const MAX_SOCKET_PATH = 100;
const STOP_GRACE_MS = 5_000;

/**
 * PGlite's defaults, with a 16 MB buffer pool instead of 128 MB. The pool lives in the WASM memory,
 * which never shrinks once touched, so the default one came to over a third of the idle process.
 * Our tables are small and the data files are read through the operating system's page cache.
 */
const START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];

/**
 * Creates the cluster in a child process. initdb grows the process's heaps by about 100 MB that
 * stay after it ends (WASM memory and the allocator never shrink), so a first start done in-process
 * idled near 360 MiB against about 260 for every later start.
 */
async function initCluster(pgDir: string): Promise<void> {
  const script = 'require(process.argv[1]).PGlite.create(process.argv[2]).then((db) => db.close())';
  await execFileAsync(process.execPath, ['-e', script, require.resolve('@electric-sql/pglite'), pgDir]);
}

/**
 * Embedded mode runs real PostgreSQL (PGlite, compiled to WASM) inside the process and serves it over
 * the wire protocol on a private Unix socket, so TypeORM and BullMQ use the same `pg` driver and the
 * same migrations as in server mode. All connections share one backend: transactions serialise.
 */
export class EmbeddedPostgres {
  private constructor(
    private readonly db: PGlite,
    private readonly server: PGLiteSocketServer,
    readonly endpoint: EmbeddedPostgresEndpoint,
  ) {}

  static async start(dataDir: string, maxConnections = 12): Promise<EmbeddedPostgres> {
    const pgDir = join(dataDir, 'pglite');
    mkdirSync(pgDir, { recursive: true, mode: 0o700 });
    if (!existsSync(join(pgDir, 'PG_VERSION'))) await initCluster(pgDir);
    const db = await PGlite.create(pgDir, { extensions: { uuid_ossp }, startParams: START_PARAMS });
    let socketDir = join(dataDir, 'run');
    if (join(socketDir, `.s.PGSQL.${SOCKET_PORT}`).length > MAX_SOCKET_PATH) {
      socketDir = mkdtempSync(join(tmpdir(), 'star-export-pg-'));
    }
    mkdirSync(socketDir, { recursive: true, mode: 0o700 });
    const socketPath = join(socketDir, `.s.PGSQL.${SOCKET_PORT}`);
    // A socket file left by a killed process would make listen() fail with EADDRINUSE.
    rmSync(socketPath, { force: true });
    const server = new PGLiteSocketServer({
      db,
      path: socketPath,
      maxConnections,
    });
    batchProtocolMessages(server);
    await server.start();
    return new EmbeddedPostgres(db, server, {
      host: socketDir,
      port: SOCKET_PORT,
      user: 'postgres',
      password: 'postgres',
      database: 'postgres',
    });
  }

  /**
   * Waits (briefly) for the app's clients to hang up before closing: a client whose socket is cut
   * emits an error, and a client that has no listener for it (BullMQ's LISTEN connection, while
   * the worker is still starting) would take the process down.
   */
  async stop(): Promise<void> {
    for (let waited = 0; this.server.getStats().activeConnections > 0 && waited < STOP_GRACE_MS; waited += 25) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await this.server.stop();
    await this.db.close();
  }
}
