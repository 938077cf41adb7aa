import type { ConsoleMessage, Page } from 'playwright-core';
import { BrowserSession, currentTestTitle, passwordGrantToken } from './support/browser.js';
import {
  API_URL,
  FOREIGN_SPA_URL,
  requireKeycloak,
  SPA_URL,
  startApi,
  startSpa,
  startTogether,
  stopAll,
  type ChildService,
} from './support/processes.js';
import { ADAPTERS } from '../support/adapters.js';

type CallResult =
  | { ok: true; status: number; body: { username?: string } }
  | { ok: false; name: string; message: string };

/** The bit of the DOM the page-side code below needs (tsconfig has no DOM lib). */
interface PageDocument {
  getElementById(
    id: string,
  ): { textContent: string | null; hidden: boolean; className: string } | null;
}

/**
 * Has the page itself call GET /me with bob's token, as the SPA's own code would, and writes
 * the outcome into the page's message box so the screenshot shows it.
 */
function callApiFromPage(page: Page, token: string): Promise<CallResult> {
  return page.evaluate(
    async ({ url, token }): Promise<CallResult> => {
      let result: CallResult;
      try {
        const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
        const body = (await response.json()) as { username?: string };
        result = { ok: true, status: response.status, body };
      } catch (error) {
        const { name, message } = error as Error;
        result = { ok: false, name, message };
      }
      const { document } = globalThis as unknown as { document: PageDocument };
      const box = document.getElementById('message');
      if (box) {
        box.hidden = false;
        box.className = `message ${result.ok ? 'info' : 'error'}`;
        box.textContent = `[browser test] GET ${url} with bob's token: ${
          result.ok
            ? `${result.status}, username ${result.body.username}`
            : `${result.name}: ${result.message}`
        }`;
      }
      return result;
    },
    { url: `${API_URL}/me`, token },
  );
}

const SUITE = 'CORS from a real browser (built API, CORS_ORIGINS from .env)';

/**
 * Keycloak's client allows no redirect to :5174, so these tests do not sign in on Keycloak's
 * page: bob's token comes from the password grant, and the page calls the API with it.
 */
describe.each(ADAPTERS)(`${SUITE} on %s`, (adapter) => {
  let api: ChildService | undefined;
  let spa: ChildService | undefined;
  let foreignSpa: ChildService | undefined;
  let session: BrowserSession;
  let token: string;

  beforeAll(async () => {
    await requireKeycloak();
    [api, spa, foreignSpa] = await startTogether(startApi(adapter), startSpa(5173), startSpa(5174));
    session = await BrowserSession.launch();
    token = await passwordGrantToken('bob');
  });

  afterEach(async () => {
    // Undefined when beforeAll failed: jest reports that failure, not a TypeError here.
    await session?.finishTest('cors', currentTestTitle(SUITE));
  });

  afterAll(async () => {
    await session?.close();
    await stopAll(api, spa, foreignSpa);
  });

  it('the SPA served from :5174 (not in CORS_ORIGINS) cannot read the API: the browser blocks it', async () => {
    const page = await session.newPage();
    await page.goto(FOREIGN_SPA_URL);
    await page.locator('#signed-out').waitFor(); // the same app, loaded and signed out
    const blocked = page.waitForEvent('console', {
      predicate: (m: ConsoleMessage) =>
        m.type() === 'error' && /blocked by CORS policy/.test(m.text()),
    });

    const result = await callApiFromPage(page, token);

    expect(result).toEqual({ ok: false, name: 'TypeError', message: 'Failed to fetch' });
    const console = (await blocked).text();
    expect(console).toContain(`from origin '${FOREIGN_SPA_URL}' has been blocked by CORS policy`);
    expect(console).toContain(`${API_URL}/me`);
  });

  it('the same call from :5173 (in CORS_ORIGINS) succeeds', async () => {
    const page = await session.newPage();
    await page.goto(SPA_URL);
    await page.locator('#signed-out').waitFor();

    const result = await callApiFromPage(page, token);

    expect(result).toEqual({
      ok: true,
      status: 200,
      body: expect.objectContaining({ username: 'bob' }),
    });
  });
});
