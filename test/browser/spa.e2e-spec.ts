import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, type JWK } from 'jose';
import type { Page, Request } from 'playwright-core';
import {
  BrowserSession,
  currentTestTitle,
  passwordGrantToken,
  signInOnKeycloak,
  type DemoUser,
} from './support/browser.js';
import {
  API_URL,
  REALM_URL,
  requireKeycloak,
  SPA_URL,
  startApi,
  startSpa,
  startTogether,
  stopAll,
  type ChildService,
} from './support/processes.js';
import { ADAPTERS } from '../support/adapters.js';

/** Opens the SPA, clicks Sign in, logs in on Keycloak and waits until the SPA shows the user. */
async function signInOnSpa(page: Page, user: DemoUser): Promise<void> {
  await page.goto(SPA_URL);
  await page.locator('#sign-in').click();
  await signInOnKeycloak(page, user);
  await page.waitForURL(`${SPA_URL}/`); // back from Keycloak, code redeemed, URL cleaned
  await page.locator('#who', { hasText: `Signed in as ${user}` }).waitFor();
}

/** What an API call the browser sent carried: its method, path and credentials. */
interface SentCall {
  method: string;
  path: string;
  authorization?: string;
  dpop?: string;
}

/**
 * Records every API call the page sends (preflights aside), with the headers as sent; the
 * function returned resolves with those sent so far.
 */
function recordApiCalls(page: Page): () => Promise<SentCall[]> {
  const calls: SentCall[] = [];
  const pending: Promise<void>[] = [];
  page.on('request', (request: Request) => {
    if (!request.url().startsWith(API_URL) || request.method() === 'OPTIONS') return;
    pending.push(
      request.allHeaders().then((headers) => {
        calls.push({
          method: request.method(),
          path: new URL(request.url()).pathname,
          authorization: headers.authorization,
          dpop: headers.dpop,
        });
      }),
    );
  });
  return async () => {
    await Promise.all(pending);
    return calls;
  };
}

/**
 * Asserts that `call` carried `Authorization: DPoP <token>` and a proof made for it: typ
 * dpop+jwt, ES256 with a public jwk whose thumbprint the token is bound to (`cnf.jkt`), `htm`
 * and `htu` this call's method and URL, `ath` the token's hash. Resolves with the proof's jti.
 */
async function expectDpopCall(call: SentCall): Promise<string> {
  expect(call.authorization).toMatch(/^DPoP ey/);
  const token = call.authorization!.slice('DPoP '.length);
  const header = decodeProtectedHeader(call.dpop!);
  expect(header).toMatchObject({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty: 'EC', crv: 'P-256' } });
  expect(header.jwk).not.toHaveProperty('d');
  const jkt = await calculateJwkThumbprint(header.jwk as JWK);
  expect(decodeJwt(token)).toMatchObject({ typ: 'DPoP', cnf: { jkt } });
  const proof = decodeJwt(call.dpop!);
  expect(proof).toMatchObject({
    htm: call.method,
    htu: `${API_URL}${call.path}`,
    ath: createHash('sha256').update(token).digest('base64url'),
    jti: expect.any(String),
    iat: expect.any(Number),
  });
  return proof.jti!;
}

/** Waits for the SPA's message box to show `text`; resolves with its whole text. */
async function message(page: Page, text: string | RegExp): Promise<string> {
  const box = page.locator('#message', { hasText: text });
  await box.waitFor();
  return box.innerText();
}

/** The bit of the DOM's Storage the page-side code below needs (tsconfig has no DOM lib). */
interface PageStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const SUITE = 'Example SPA on :5173 (real Keycloak, built API)';

describe.each(ADAPTERS)(`${SUITE} on %s`, (adapter) => {
  let api: ChildService | undefined;
  let spa: ChildService | undefined;
  let session: BrowserSession;

  beforeAll(async () => {
    await requireKeycloak();
    [api, spa] = await startTogether(startApi(adapter), startSpa(5173));
    session = await BrowserSession.launch();
  });

  afterEach(async () => {
    // Undefined when beforeAll failed: jest reports that failure, not a TypeError here.
    await session?.finishTest('spa', currentTestTitle(SUITE));
  });

  afterAll(async () => {
    await session?.close();
    await stopAll(api, spa);
  });

  it('bob (api-read) sees the item list; his create attempt shows the 403 message', async () => {
    const seeded = await fetch(`${API_URL}/items`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await passwordGrantToken('alice')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ name: 'Seeded for bob' }),
    });
    expect(seeded.status).toBe(201);
    const page = await session.newPage();
    await signInOnSpa(page, 'bob');
    await page.locator('#roles', { hasText: 'api-read' }).waitFor();
    await page.locator('#items tr', { hasText: 'Seeded for bob' }).waitFor();
    // Read-only: no Delete button (DELETE is api-admin's).
    expect(await page.getByRole('button', { name: 'Delete' }).count()).toBe(0);

    await page.locator('#name').fill('Bob was here');
    const refused = page.waitForResponse(
      (r) => r.url() === `${API_URL}/items` && r.request().method() === 'POST',
    );
    await page.getByRole('button', { name: 'Create' }).click();
    expect((await refused).status()).toBe(403);
    const text = await message(page, '403');
    expect(text).toMatch(/^403 Forbidden: You are signed in, but your account is not allowed/);
    // POST is @Permission('items#create'): Keycloak's "Create items" policy refuses api-read.
    expect(text).toContain('(API: Permission denied: items#create)');
    expect(await page.locator('#items tr', { hasText: 'Bob was here' }).count()).toBe(0);
  });

  it('alice (api-admin) creates an item and deletes it', async () => {
    const page = await session.newPage();
    await signInOnSpa(page, 'alice');
    const name = `Widget ${Date.now()}`;
    await page.locator('#name').fill(name);
    await page.getByRole('button', { name: 'Create' }).click();
    await message(page, `Created item`);
    const row = page.locator('#items tr', { hasText: name });
    await expect(row.locator('td').nth(2).innerText()).resolves.toBe('you');

    await row.getByRole('button', { name: 'Delete' }).click();
    await message(page, `Deleted item`);
    await row.waitFor({ state: 'detached' });
  });

  it('bob sees an item alice creates appear live, over /ws with the token as a subprotocol, never in the URL', async () => {
    const page = await session.newPage();
    const socket = page.waitForEvent('websocket');
    await signInOnSpa(page, 'bob');
    const opened = await socket;
    expect(opened.url()).toBe(`${API_URL.replace(/^http/, 'ws')}/ws`);
    await page.locator('#live', { hasText: 'Live updates: on' }).waitFor();

    const name = `Live ${Date.now()}`;
    const created = await fetch(`${API_URL}/items`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await passwordGrantToken('alice')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ name }),
    });
    expect(created.status).toBe(201);
    // No reload: the item.created event redraws the list.
    await page.locator('#items tr', { hasText: name }).waitFor();
  });

  it('carol (no API role) is told the list is refused; after sign-out a reload shows the signed-out state', async () => {
    const page = await session.newPage();
    await signInOnSpa(page, 'carol');
    expect(await message(page, '403')).toMatch(/^403 Forbidden: You are signed in, but/);

    // Keycloak ends its session (a redirect, no page of its own) and sends the browser back.
    const logout = page.waitForRequest(`${REALM_URL}/protocol/openid-connect/logout?**`);
    const back = page.waitForRequest((r) => r.isNavigationRequest() && r.url().startsWith(SPA_URL));
    await page.locator('#sign-out').click();
    expect(new URL((await logout).url()).searchParams.has('id_token_hint')).toBe(true);
    await back;
    await page.locator('#signed-out').waitFor();
    await page.reload();
    await page.locator('#signed-out').waitFor();
    await expect(page.locator('#who').innerText()).resolves.toBe('Not signed in');
    expect(await page.locator('#sign-in').isVisible()).toBe(true);
    expect(await page.locator('#signed-in').isVisible()).toBe(false);
  });

  it('alice signs in with DPoP (?dpop=1): each API call carries the DPoP scheme and its own proof', async () => {
    const name = `DPoP item ${Date.now()}`;
    const seeded = await fetch(`${API_URL}/items`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await passwordGrantToken('alice')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ name }),
    });
    expect(seeded.status).toBe(201);
    const { id } = (await seeded.json()) as { id: number };
    const page = await session.newPage();
    const apiCalls = recordApiCalls(page);
    const tokenEndpoint = `${REALM_URL}/protocol/openid-connect/token`;
    const tokenAnswer = page.waitForResponse(
      (r) => r.url() === tokenEndpoint && r.request().method() === 'POST',
    );
    const listed = page.waitForResponse(
      (r) => r.url() === `${API_URL}/items` && r.request().method() === 'GET',
    );

    await page.goto(`${SPA_URL}/?dpop=1`);
    expect(await page.locator('#dpop').isChecked()).toBe(true);
    const authorize = page.waitForRequest(`${REALM_URL}/protocol/openid-connect/auth?**`);
    await page.locator('#sign-in').click();
    const authorizeParams = new URL((await authorize).url()).searchParams;
    expect(authorizeParams.get('client_id')).toBe('nest-api-web-dpop');
    await signInOnKeycloak(page, 'alice');
    await page.waitForURL(`${SPA_URL}/?dpop=1`);
    await page.locator('#who', { hasText: 'Signed in as alice' }).waitFor();

    // The code was redeemed with a proof for the token endpoint; Keycloak bound the tokens.
    const tokens = await tokenAnswer;
    const tokenProof = decodeJwt((await tokens.request().allHeaders()).dpop);
    expect(tokenProof).toMatchObject({ htm: 'POST', htu: tokenEndpoint });
    const issued = (await tokens.json()) as { token_type: string; access_token: string };
    expect(issued.token_type).toBe('DPoP');
    // The authorization request named the same key (dpop_jkt), binding the code to it.
    const { cnf } = decodeJwt(issued.access_token) as { cnf?: { jkt?: string } };
    expect(authorizeParams.get('dpop_jkt')).toBe(cnf?.jkt);

    expect((await listed).status()).toBe(200);
    const row = page.locator('#items tr', { hasText: name });
    await row.waitFor();
    // DELETE /items/:id is @RequireActiveToken: introspection names the same key.
    await row.getByRole('button', { name: 'Delete' }).click();
    await message(page, 'Deleted item');
    await row.waitFor({ state: 'detached' });

    const calls = await apiCalls();
    const sent = calls.map(({ method, path }) => `${method} ${path}`);
    expect(sent).toEqual(expect.arrayContaining(['GET /me', 'GET /items', `DELETE /items/${id}`]));
    const jtis = await Promise.all(calls.map(expectDpopCall));
    expect(new Set(jtis).size).toBe(calls.length);

    // Taken out of the browser, the token is useless: as Bearer, or with a proof already used.
    const last = calls[calls.length - 1]; // GET /items after the delete: its proof is fresh
    const url = `${API_URL}${last.path}`;
    const asBearer = await fetch(url, {
      headers: { authorization: last.authorization!.replace(/^DPoP /, 'Bearer ') },
    });
    expect(asBearer.status).toBe(401);
    const replayed = await fetch(url, {
      headers: { authorization: last.authorization!, dpop: last.dpop! },
    });
    expect(replayed.status).toBe(401);
    expect(await replayed.json()).toMatchObject({ message: 'The DPoP proof was already used' });
  });

  it('a token the API refuses shows the 401 message, not a blank page', async () => {
    const page = await session.newPage();
    await signInOnSpa(page, 'bob');
    await page.evaluate(() => {
      // Corrupt the stored access token's signature (oidc-client-ts keeps the user here).
      const storage = (globalThis as unknown as { sessionStorage: PageStorage }).sessionStorage;
      const key = Object.keys(storage).find((k) => k.startsWith('oidc.user:'));
      if (!key) throw new Error('no stored user');
      const user = JSON.parse(storage.getItem(key) ?? '{}') as { access_token: string };
      user.access_token = `${user.access_token.slice(0, -4)}AAAA`;
      storage.setItem(key, JSON.stringify(user));
    });
    await page.reload();
    const text = await message(page, '401');
    expect(text).toMatch(/^401 Unauthorized: You are not signed in, or your session has expired/);
  });
});
