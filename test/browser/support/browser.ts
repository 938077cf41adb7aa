import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { REALM_URL } from './processes.js';

/** Debian's Chromium (`apt-get install -y chromium`); playwright-core downloads no browser. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
export const SCREENSHOT_DIR = join('test-results', 'browser');

/** Demo users of keycloak/realm-demo.json (fixed development passwords). */
export const PASSWORDS = {
  alice: 'alice-dev-pw', // nest-api: api-admin
  bob: 'bob-dev-pw', // nest-api: api-read
  carol: 'carol-dev-pw', // no API role
  dave: 'dave-dev-pw', // nest-api: api-read, api-write
} as const;
export type DemoUser = keyof typeof PASSWORDS;

/**
 * One Chromium per spec file (Playwright gives it a fresh temporary profile and deletes it on
 * close); every page gets a fresh context, so each test signs in from nothing.
 */
export class BrowserSession {
  private readonly contexts: { context: BrowserContext; page: Page }[] = [];

  private constructor(private readonly browser: Browser) {}

  static async launch(): Promise<BrowserSession> {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} not found: apt-get install -y chromium (or set CHROMIUM_PATH)`);
    }
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      headless: true,
      // Fail inside the hook's 60 s rather than wait on a browser that never comes up.
      timeout: 30_000,
    });
    return new BrowserSession(browser);
  }

  /** A page in a new, empty browser context (no cookies, no storage). */
  async newPage(): Promise<Page> {
    const context = await this.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    this.contexts.push({ context, page });
    return page;
  }

  /**
   * Saves a screenshot of every page the test opened, as its final state, under
   * `test-results/browser/<prefix>-<test>.png`, prints the paths (CI logs show them) and
   * closes the test's contexts.
   */
  async finishTest(prefix: string, testName: string): Promise<void> {
    const slug = `${prefix} ${testName}`
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 80);
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    for (const [index, { context, page }] of this.contexts.splice(0).entries()) {
      const path = join(SCREENSHOT_DIR, `${slug}${index ? `-${index + 1}` : ''}.png`);
      if (!page.isClosed()) {
        await page.screenshot({ path }).then(
          () => process.stdout.write(`screenshot: ${path}\n`),
          (error: unknown) =>
            process.stdout.write(`screenshot failed: ${path}: ${String(error)}\n`),
        );
      }
      await context.close();
    }
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}

/** The running test's own name, without the titles of the describe blocks around it. */
export function currentTestTitle(suite: string): string {
  const full = expect.getState().currentTestName ?? 'test';
  return full.startsWith(suite) ? full.slice(suite.length) : full;
}

/**
 * Fills Keycloak's login form, once the page (or popup) has been sent there. The demo realm has
 * Organizations on, so Keycloak asks for the username first (identity-first login, to route an
 * organization's members to its identity provider), then for the password on a second page.
 */
export async function signInOnKeycloak(page: Page, user: DemoUser): Promise<void> {
  await page.waitForURL(`${REALM_URL}/protocol/openid-connect/auth?**`);
  await page.locator('#username').fill(user);
  const password = page.locator('#password');
  if (!(await password.isVisible())) await page.locator('#kc-login').click();
  await password.fill(PASSWORDS[user]);
  await page.locator('#kc-login').click();
}

/**
 * An access token for `user` from the password grant of the public client nest-api-web (dev
 * only), for calls that must not go through Keycloak's login page.
 */
export async function passwordGrantToken(user: DemoUser): Promise<string> {
  const response = await fetch(`${REALM_URL}/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({
      client_id: 'nest-api-web',
      grant_type: 'password',
      scope: 'openid',
      username: user,
      password: PASSWORDS[user],
    }),
  });
  if (!response.ok) throw new Error(`password grant for ${user}: ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}
