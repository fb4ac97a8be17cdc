import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Browser, BrowserContext, Page } from 'puppeteer-core';
import { INSTAGRAM_OPTIONS, type InstagramOptions } from './instagram.options';

/**
 * Loaded on the first Instagram request, not with the service: puppeteer-core adds about 7 MiB to
 * the memory of every process, and most never connect Instagram.
 */
const puppeteerCore = () => import('puppeteer-core');

/** A current phone: the site is visited as its mobile web app is, the way most of its users visit it. */
const INSTAGRAM_DEVICE = 'iPhone 15 Pro';

/** A profile Chromium may still be writing to as it dies: what is left is removed with the next temp sweep. */
function removeProfile(profile: string): void {
  try {
    rmSync(profile, { recursive: true, force: true, maxRetries: 3 });
  } catch {
    // best effort
  }
}

/** One connection's isolated browser context: its own cookie jar and one page it does everything from. */
export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Whether the site's home page was opened in it (cookies set, `csrftoken` received). */
  opened: boolean;
  /** The last X-IG-WWW-Claim the site sent, echoed on the next request as its app does. */
  claim: string;
}

/**
 * One Chromium per worker process, started on first use, with one incognito-like context per connection
 * so sessions never see each other's cookies. A context closes when its connection has been idle for
 * INSTAGRAM_IDLE_CLOSE_MS, and the browser with the last one, so memory stays bounded however many
 * accounts a worker serves over its life. A browser that crashed is forgotten and started again on the
 * next request.
 */
@Injectable()
export class InstagramBrowser implements OnModuleDestroy {
  private readonly logger = new Logger(InstagramBrowser.name);
  private browser?: Promise<{ browser: Browser; profile: string }>;
  private readonly sessions = new Map<string, Promise<BrowserSession>>();
  private readonly idle = new Map<string, NodeJS.Timeout>();
  /** Which launch is the current browser: one closed on purpose (or replaced) is not a crash. */
  private generation = 0;

  constructor(@Inject(INSTAGRAM_OPTIONS) private readonly options: InstagramOptions) {}

  /** The connection's context, made on first use; `fresh` says the caller must open the site in it first. */
  async session(connectionId: string): Promise<BrowserSession> {
    this.touch(connectionId);
    let session = this.sessions.get(connectionId);
    if (!session) {
      session = this.open();
      this.sessions.set(connectionId, session);
      session.catch(() => this.sessions.delete(connectionId));
    }
    return session;
  }

  /** Closes the connection's context (a dead session, an idle one); the next request opens a new one. */
  async release(connectionId: string): Promise<void> {
    clearTimeout(this.idle.get(connectionId));
    this.idle.delete(connectionId);
    const session = this.sessions.get(connectionId);
    this.sessions.delete(connectionId);
    if (session) await session.then((open) => open.context.close()).catch(() => undefined);
    if (this.sessions.size === 0) await this.closeBrowser();
  }

  /** Whether the error means the browser (or the connection's page) went away, not that the site refused. */
  isCrash(error: unknown): boolean {
    const text = error instanceof Error ? `${error.name} ${error.message}` : String(error);
    return /Target closed|TargetCloseError|Session closed|Protocol error|Connection closed|browser has disconnected|detached|crashed/i.test(text);
  }

  /** After a crash: forget every context of the dead browser, so the next request starts a new one. */
  async recover(): Promise<void> {
    for (const timer of this.idle.values()) clearTimeout(timer);
    this.idle.clear();
    this.sessions.clear();
    await this.closeBrowser();
  }

  /** The running browser's process, for operators and tests that need to see it (or end it). */
  async process(): Promise<ReturnType<Browser['process']>> {
    return this.browser ? (await this.browser).browser.process() : null;
  }

  async onModuleDestroy(): Promise<void> {
    for (const connectionId of [...this.sessions.keys()]) await this.release(connectionId);
    await this.closeBrowser();
  }

  private touch(connectionId: string): void {
    clearTimeout(this.idle.get(connectionId));
    const timer = setTimeout(() => void this.release(connectionId), this.options.idleCloseMs);
    timer.unref();
    this.idle.set(connectionId, timer);
  }

  private async open(): Promise<BrowserSession> {
    const { browser } = await this.launch();
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    await page.emulate((await puppeteerCore()).KnownDevices[INSTAGRAM_DEVICE]);
    return { context, page, opened: false, claim: '0' };
  }

  private launch(): Promise<{ browser: Browser; profile: string }> {
    if (this.browser) return this.browser;
    const generation = ++this.generation;
    const launching = (async () => {
      const profile = mkdtempSync(join(tmpdir(), 'se-instagram-'));
      try {
        const { default: puppeteer } = await puppeteerCore();
        const browser = await puppeteer.launch({
          executablePath: this.options.chromiumPath,
          headless: true,
          userDataDir: profile,
          // Over a pipe, not a debugging port: Chromium exits when the pipe closes, so a worker that
          // dies (kill -9, a crash) does not leave its browser running with the session in it.
          pipe: true,
          args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
        });
        browser.once('disconnected', () => {
          // Only a browser that is still the current one crashed; a closed one was let go on purpose.
          if (this.generation !== generation) return;
          this.logger.warn('Chromium for Instagram went away; the next request starts it again');
          this.browser = undefined;
          this.sessions.clear();
          removeProfile(profile);
        });
        return { browser, profile };
      } catch (error) {
        removeProfile(profile);
        if (this.generation === generation) this.browser = undefined;
        throw error;
      }
    })();
    this.browser = launching;
    return launching;
  }

  private async closeBrowser(): Promise<void> {
    const running = this.browser;
    this.browser = undefined;
    this.generation += 1;
    if (!running) return;
    const { browser, profile } = await running.catch(() => ({ browser: undefined, profile: undefined }));
    await browser?.close().catch(() => undefined);
    if (profile) removeProfile(profile);
  }
}
