import type { Page } from 'puppeteer-core';
import { Chromium, launchChromium } from '../support/browser';
import { CALLBACK_PATH, callback, connectionCount, logMark, tokenCallsSince } from './oauth-connect-support';
import { Harness, User, YOUTUBE_READONLY, newUser, startHarness, status } from './platforms-support';

interface Outcome {
  status: number;
  url: string;
  outcome: string | null;
  text: string;
}

/**
 * What an SPA on the service's own origin does to connect: a same-origin fetch of `?mode=json` with
 * its bearer token (the answer's cookie lands in this browser), answering the consent-screen URL.
 */
async function spaStartsConnect(page: Page, h: Harness, user: User): Promise<string> {
  await page.goto(`${h.t.url}/api/health`);
  const answer = await page.evaluate(async (authorization: string) => {
    const res = await fetch('/api/platforms/youtube/oauth?mode=json', { headers: { Authorization: authorization } });
    return { status: res.status, body: (await res.json()) as { data?: { authorizationUrl?: string } } };
  }, user.auth.Authorization);
  expect(answer.status).toBe(200);
  const url = answer.body.data?.authorizationUrl;
  if (!url) throw new Error(`no authorization URL: ${JSON.stringify(answer.body)}`);
  return url;
}

/** Where a page ends up after the browser opens `url` (following the consent screen's redirect back). */
async function open(page: Page, url: string): Promise<Outcome> {
  const response = await page.goto(url, { waitUntil: 'load' });
  if (!response) throw new Error(`no response for ${url}`);
  return {
    status: response.status(),
    url: page.url(),
    outcome: await page.$eval('#outcome', (element) => element.getAttribute('data-outcome')).catch(() => null),
    text: await page.$eval('body', (body) => body.textContent ?? ''),
  };
}

/**
 * Connecting YouTube in real Chromium, with the sandbox standing in for Google's consent screen.
 * Two browser profiles: an attacker who starts a connect on their own Star Export account and hands
 * the consent URL to a victim, and the victim, who approves it in their own browser.
 */
describe('Connecting YouTube in the browser', () => {
  let h: Harness;
  let attacker: Chromium;
  let victim: Chromium;

  beforeAll(async () => {
    h = await startHarness();
    h.sandbox.admin.createAccount({ key: 'mallory', videos: 1 });
    h.sandbox.admin.createAccount({ key: 'victim', videos: 4 });
    attacker = await launchChromium();
    victim = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await attacker?.close();
    await victim?.close();
    await h?.close();
  });

  it("connects nothing when the attacker's consent URL is approved in the victim's browser, and tells the victim so", async () => {
    const mallory = await newUser(h.t);
    const attackerPage = await attacker.browser.newPage();
    const handedOver = await spaStartsConnect(attackerPage, h, mallory);

    // The victim, signed in at the platform, approves the consent screen in their own browser.
    h.sandbox.admin.setConsent({ account: 'victim' });
    const mark = logMark(h);
    const victimPage = await victim.browser.newPage();
    const landed = await open(victimPage, handedOver);
    expect(new URL(landed.url).pathname).toBe(CALLBACK_PATH);
    expect(new URL(landed.url).searchParams.get('code')).toBeTruthy();
    expect(landed.status).toBe(400);
    expect(landed.outcome).toBe('refused');
    expect(landed.text).toContain('YouTube was not connected');
    expect(landed.text).toContain('not started in this browser');
    expect(landed.text).toContain('Nothing was connected');

    // Nothing is connected to anyone, and the victim's code was never redeemed.
    expect(tokenCallsSince(h, mark)).toBe(0);
    expect(await status(h.t, mallory)).toMatchObject({ connected: false, account: null });
    expect(await connectionCount(h)).toBe(0);

    // Even if the attacker got hold of the victim's callback URL, code and all, their own browser,
    // which holds the flow's nonce, cannot finish it: the victim's refused visit spent the state.
    expect(await attackerPage.cookies(`${h.t.url}${CALLBACK_PATH}`)).toHaveLength(1);
    const replayed = await open(attackerPage, landed.url);
    expect(replayed.status).toBe(400);
    expect(replayed.outcome).toBe('refused');
    expect(replayed.text).toContain('already used');
    // Nor can anything without a browser: the state is gone.
    const direct = await callback(h, new URL(landed.url));
    expect(direct.status).toBe(400);
    expect(tokenCallsSince(h, mark)).toBe(0);
    expect(await status(h.t, mallory)).toMatchObject({ connected: false, account: null });
    expect(await connectionCount(h)).toBe(0);
  }, 120_000);

  it('connects YouTube when the same browser starts the flow and comes back from the consent screen', async () => {
    const owner = await newUser(h.t);
    h.sandbox.admin.setConsent({ account: 'victim' });
    const page = await victim.browser.newPage();
    const authorizationUrl = await spaStartsConnect(page, h, owner);

    // The SPA navigates to the consent screen; the sandbox consents and sends the browser back.
    const [response] = await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      page.evaluate(`window.location.href = ${JSON.stringify(authorizationUrl)}`),
    ]);
    expect(response?.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe(CALLBACK_PATH);
    expect(await page.$eval('#outcome', (element) => element.getAttribute('data-outcome'))).toBe('connected');
    expect(await page.$eval('body', (body) => body.textContent)).toContain('YouTube is connected');
    // The nonce was single-use: the browser no longer holds it.
    expect(await page.cookies(`${h.t.url}${CALLBACK_PATH}`)).toEqual([]);

    expect(await status(h.t, owner)).toMatchObject({
      connected: true,
      needsReconnect: false,
      account: { id: h.sandbox.admin.account('victim').channelId },
      permissions: [YOUTUBE_READONLY],
    });
  }, 120_000);
});
