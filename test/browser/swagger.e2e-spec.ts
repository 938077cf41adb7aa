import type { Locator, Page } from 'playwright-core';
import {
  BrowserSession,
  currentTestTitle,
  signInOnKeycloak,
  type DemoUser,
} from './support/browser.js';
import {
  API_URL,
  requireKeycloak,
  startApi,
  stopAll,
  type ChildService,
} from './support/processes.js';
import { ADAPTERS } from '../support/adapters.js';

/** Opens /docs and signs in through Authorize → oauth2 → Keycloak's login page (a popup). */
async function signInOnSwagger(page: Page, user: DemoUser): Promise<void> {
  await page.goto(`${API_URL}/docs`);
  await page.waitForURL(`${API_URL}/docs/`); // /docs redirects to the folder (see app.setup.ts)
  await page.locator('button.authorize').first().click();
  const modal = page.locator('.modal-ux');
  await expectValue(modal.locator('#client_id_authorizationCode'), 'nest-api-web');
  await expectValue(modal.locator('#client_secret_authorizationCode'), '');
  const popup = page.waitForEvent('popup');
  const token = page.waitForResponse((r) => r.url().endsWith('/protocol/openid-connect/token'));
  await modal.getByRole('button', { name: 'Apply given OAuth2 credentials' }).click();
  await signInOnKeycloak(await popup, user);
  // The popup returns to /docs/oauth2-redirect.html, which hands the code back and closes;
  // Swagger UI then redeems it (PKCE, no secret) from this page.
  const exchange = await token;
  expect(exchange.status()).toBe(200);
  expect(exchange.request().postData()).not.toMatch(/client_secret/);
  await modal.getByRole('button', { name: 'Remove authorization' }).waitFor();
  await modal.locator('.close-modal').click();
}

/** Expands an operation, clicks Try it out → Execute; resolves with the live response block. */
async function tryItOut(page: Page, operationId: string, path: string): Promise<Locator> {
  const operation = page.locator(`#operations-${operationId}`);
  await operation.locator('.opblock-summary').click();
  await operation.getByRole('button', { name: 'Try it out' }).click();
  // By path: Swagger UI adds the query parameters that have a default (GET /items?limit=50).
  const response = page.waitForResponse((r) => r.url().split('?')[0] === `${API_URL}${path}`);
  await operation.getByRole('button', { name: 'Execute' }).click();
  const answer = await response;
  expect(answer.request().headers().authorization).toMatch(/^Bearer ey/);
  const live = operation.locator('.live-responses-table');
  await live.waitFor();
  // Keep access tokens out of the screenshots: hide the generated curl command (it carries the token).
  await page.addStyleTag({ content: '.curl-command, .request-snippets { display: none }' });
  await live.scrollIntoViewIfNeeded();
  return live;
}

async function expectValue(input: Locator, value: string): Promise<void> {
  expect(await input.inputValue()).toBe(value);
}

const SUITE = 'Swagger UI at /docs signs in on Keycloak (real Keycloak, built API)';

describe.each(ADAPTERS)(`${SUITE} on %s`, (adapter) => {
  let api: ChildService | undefined;
  let session: BrowserSession;

  beforeAll(async () => {
    await requireKeycloak();
    api = await startApi(adapter);
    session = await BrowserSession.launch();
  });

  afterEach(async () => {
    // Undefined when beforeAll failed: jest reports that failure, not a TypeError here.
    await session?.finishTest('swagger', currentTestTitle(SUITE));
  });

  afterAll(async () => {
    await session?.close();
    await stopAll(api);
  });

  it('alice: Authorize → Keycloak login → GET /me "Try it out" shows alice', async () => {
    const page = await session.newPage();
    await signInOnSwagger(page, 'alice');
    const live = await tryItOut(page, 'me-MeController_me', '/me');
    await expect(live.locator('tbody .response-col_status').innerText()).resolves.toBe('200');
    await expect(live.locator('tbody .response-col_description').innerText()).resolves.toMatch(
      /"username": "alice"/,
    );
  });

  it('carol (no API role): GET /items "Try it out" shows 403', async () => {
    const page = await session.newPage();
    await signInOnSwagger(page, 'carol');
    const live = await tryItOut(page, 'items-ItemsController_findAll', '/items');
    await expect(live.locator('tbody .response-col_status').innerText()).resolves.toBe('403');
    await expect(live.locator('tbody .response-col_description').innerText()).resolves.toMatch(
      /"statusCode": 403/,
    );
  });
});
