// The example SPA: sign in on Keycloak (authorization code + PKCE, public client: no secret),
// then call the API with the access token, through a client typed by the API's own contract:
// openapi-fetch with the types openapi-typescript generates from openapi.json (./api.d.ts).
// With `?dpop=1` it signs in through the DPoP client instead: its tokens are bound to a key
// kept in this browser, and every API call carries a fresh proof signed with it (RFC 9449).
// Settings come from the server's /config.json. `npm run lint` type-checks this file.
import { IndexedDbDPoPStore, UserManager } from 'oidc-client-ts';
import createClient from 'openapi-fetch';

/** What each refusal of the API means to the person in front of the page. */
const EXPLANATIONS = {
  400: 'The API refused the input.',
  401: 'You are not signed in, or your session has expired. Please sign in again.',
  403: 'You are signed in, but your account is not allowed to do this.',
  404: 'That item does not exist (any more).',
  409: 'That conflicts with what the API has stored.',
  502: 'The API could not ask Keycloak whether your session is still valid. Try again shortly.',
  503: 'The API or one of its services is unavailable right now. Try again shortly.',
};

/** @typedef {import('./api.js').components['schemas']['ApiError']} ApiErrorBody */

/** An answer of the API other than 2xx, with its documented `ApiError` body. */
class ApiError extends Error {
  /**
   * @param {number} status
   * @param {Partial<ApiErrorBody> | undefined} body
   */
  constructor(status, body) {
    const detail = Array.isArray(body?.message) ? body.message.join('; ') : body?.message;
    const explanation = EXPLANATIONS[/** @type {keyof EXPLANATIONS} */ (status)];
    super(
      `${status} ${body?.error ?? 'Error'}: ${explanation ?? 'The API answered with an error.'}` +
        (detail ? ` (API: ${detail})` : ''),
    );
    this.status = status;
  }
}

/** @typedef {import('./api.js').components['schemas']['Item']} Item */

/**
 * The page's element with this id (index.html has every one this file asks for).
 * @param {string} id
 */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
/** The item name field. */
const nameField = () => /** @type {HTMLInputElement} */ ($('name'));
/** @type {{ apiUrl: string, keycloakUrl: string, realm: string, clientId: string, dpopClientId: string }} */
let config;
/** DPoP or Bearer, chosen by the URL (`?dpop=1`), which Keycloak sends the browser back to. */
const dpop = new URLSearchParams(location.search).get('dpop') === '1';
/** This page in the chosen mode: the redirect URI after sign-in and sign-out. */
const home = `${location.origin}/${dpop ? '?dpop=1' : ''}`;
/** @type {UserManager} */
let users;
/** @type {import('openapi-fetch').Client<import('./api.js').paths>} */
let api;

/**
 * Creates the typed client; every request carries the signed-in user's access token, with the
 * scheme Keycloak named (`token_type`). A DPoP token also needs a proof made for this one call:
 * its method and URL without the query (`htu`), and the token's hash (`ath`).
 */
function createApi() {
  const client = createClient({ baseUrl: config.apiUrl });
  client.use({
    async onRequest({ request }) {
      const user = await users.getUser();
      if (!user) return request;
      if (user.token_type !== 'DPoP') {
        request.headers.set('authorization', `Bearer ${user.access_token}`);
        return request;
      }
      const url = new URL(request.url);
      const proof = await users.dpopProof(url.origin + url.pathname, user, request.method);
      request.headers.set('authorization', `DPoP ${user.access_token}`);
      // Without its key (storage cleared) there is no proof: the API answers 401, sign in again.
      if (proof) request.headers.set('dpop', proof);
      return request;
    },
  });
  return client;
}

/**
 * Awaits a call of the typed client: its data on 2xx, otherwise an ApiError with the documented
 * error body, or a readable Error when the API cannot be reached.
 * @template T
 * @param {Promise<{ data?: T, error?: unknown, response: Response }>} call
 * @returns {Promise<T>}
 */
async function answer(call) {
  let result;
  try {
    result = await call;
  } catch {
    // The browser hides the reason (network or CORS) from scripts; its console shows it.
    throw new Error(
      `Could not reach the API at ${config.apiUrl}. Is it running, and is ${location.origin} in its CORS_ORIGINS?`,
    );
  }
  if (!result.response.ok) {
    throw new ApiError(
      result.response.status,
      /** @type {ApiErrorBody | undefined} */ (result.error),
    );
  }
  return /** @type {T} */ (result.data);
}

/**
 * @param {string} text
 * @param {'error' | 'info'} kind
 */
function showMessage(text, kind = 'error') {
  const box = $('message');
  box.textContent = text;
  box.className = `message ${kind}`;
  box.hidden = false;
}

function clearMessage() {
  $('message').hidden = true;
}

/**
 * Runs an action and shows what went wrong instead of failing silently.
 * @param {() => Promise<unknown>} action
 */
async function attempt(action) {
  try {
    await action();
  } catch (error) {
    showMessage(error instanceof Error ? error.message : String(error));
    if (error instanceof ApiError && error.status === 401) $('sign-in').hidden = false;
  }
}

function renderSignedOut() {
  canDelete = false;
  live?.close(1000);
  live = undefined;
  $('who').textContent = 'Not signed in';
  $('sign-in').hidden = false;
  $('sign-out').hidden = true;
  $('signed-in').hidden = true;
  $('signed-out').hidden = false;
}

/** @param {import('oidc-client-ts').User} user */
async function renderSignedIn(user) {
  $('who').textContent = `Signed in as ${user.profile.preferred_username ?? user.profile.sub}`;
  $('sign-in').hidden = true;
  $('sign-out').hidden = false;
  $('signed-out').hidden = true;
  $('signed-in').hidden = false;
  await attempt(async () => {
    const me = await answer(api.GET('/me'));
    $('roles').textContent = `Roles for this API: ${me.clientRoles.join(', ') || 'none'}`;
    // DELETE /items/:id is @Roles('api-admin'): offer the button only to those it would admit.
    // The API decides either way; this only spares others a button that always answers 403.
    canDelete = me.clientRoles.includes('api-admin');
  });
  await attempt(loadItems);
  followItems(user);
}

/** The open `/ws` connection of the signed-in user, if any. */
/** @type {WebSocket | undefined} */
let live;

/**
 * Follows item creations over the API's WebSocket (`/ws`) and reloads the list on each one. A
 * browser's WebSocket sets no Authorization header, so the token travels as the second
 * subprotocol (`bearer, <token>`); a token in the URL would land in access logs and history.
 * When the API closes with 4401 (token expired or logged out), a renewed token reconnects.
 * @param {import('oidc-client-ts').User} user
 */
function followItems(user) {
  live?.close(1000);
  live = undefined;
  if (user.token_type === 'DPoP') {
    // No proof can come with each message: the API opens WebSockets to Bearer tokens only.
    $('live').textContent = 'Live updates: off (DPoP tokens cannot open a WebSocket)';
    return;
  }
  const url = `${config.apiUrl.replace(/^http/, 'ws')}/ws`;
  const socket = new WebSocket(url, ['bearer', user.access_token]);
  live = socket;
  socket.addEventListener('open', () =>
    socket.send(JSON.stringify({ event: 'subscribe', data: { topic: 'items' } })),
  );
  socket.addEventListener('message', (message) => {
    /** @type {{ event: string, data?: { message?: string } }} */
    const { event, data } = JSON.parse(String(message.data));
    if (event === 'subscribed') $('live').textContent = 'Live updates: on';
    else if (event === 'item.created') void attempt(loadItems);
    else if (event === 'error') $('live').textContent = `Live updates: off (${data?.message})`;
  });
  socket.addEventListener('close', (closed) => {
    if (live !== socket) return;
    live = undefined;
    $('live').textContent = 'Live updates: off';
    if (closed.code === 4401) void currentUser().then((next) => next && followItems(next));
  });
}

/** Whether the signed-in user holds api-admin, the role DELETE /items/:id requires. */
let canDelete = false;

/** Counts list loads: a load that a later one overtook renders nothing. */
let listings = 0;

async function loadItems() {
  const turn = ++listings;
  const items = await answer(api.GET('/items'));
  const me = (await users.getUser())?.profile.sub;
  // Sign-in and a create can both be loading the list: only the newest answer is drawn, in one
  // step, so no row shows twice.
  if (turn !== listings) return;
  const rows = items.map((item) => itemRow(item, me));
  $('items').replaceChildren(...rows);
  $('no-items').hidden = items.length > 0;
}

/**
 * @param {Item} item
 * @param {string | undefined} me the signed-in user's sub
 */
function itemRow(item, me) {
  const row = document.createElement('tr');
  row.dataset.id = String(item.id);
  const owner = item.owner === me ? 'you' : item.owner;
  for (const text of [item.id, item.name, owner]) {
    const cell = document.createElement('td');
    cell.textContent = String(text);
    row.append(cell);
  }
  const cell = document.createElement('td');
  if (canDelete) {
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.textContent = 'Delete';
    remove.addEventListener('click', () => void attempt(() => deleteItem(item)));
    cell.append(remove);
  }
  row.append(cell);
  return row;
}

/** @param {string} name */
async function createItem(name) {
  const item = await answer(api.POST('/items', { body: { name } }));
  nameField().value = '';
  await loadItems();
  showMessage(`Created item #${item.id} “${item.name}”.`, 'info');
}

/** @param {Item} item */
async function deleteItem(item) {
  await answer(api.DELETE('/items/{id}', { params: { path: { id: item.id } } }));
  await loadItems();
  showMessage(`Deleted item #${item.id} “${item.name}”.`, 'info');
}

/** Finishes a sign-in or sign-out that Keycloak redirected back here, then cleans the URL. */
async function completeRedirect() {
  const params = new URLSearchParams(location.search);
  if (!params.has('state')) return;
  try {
    if (params.has('code') || params.has('error')) await users.signinRedirectCallback();
    else await users.signoutRedirectCallback();
  } finally {
    history.replaceState(null, '', home);
  }
}

/** The stored user, renewed with its refresh token when the access token has expired. */
async function currentUser() {
  const user = await users.getUser();
  if (!user?.expired) return user;
  try {
    return await users.signinSilent();
  } catch {
    await users.removeUser();
    return null;
  }
}

async function main() {
  $('sign-in').addEventListener('click', () => void attempt(() => users.signinRedirect()));
  $('sign-out').addEventListener('click', () => void attempt(() => users.signoutRedirect()));
  const dpopSwitch = /** @type {HTMLInputElement} */ ($('dpop'));
  dpopSwitch.checked = dpop;
  // Each mode is its own client and session: switching loads the page in the other one.
  dpopSwitch.addEventListener('change', () =>
    location.assign(dpopSwitch.checked ? '/?dpop=1' : '/'),
  );
  $('create').addEventListener('submit', (event) => {
    event.preventDefault();
    clearMessage();
    void attempt(() => createItem(nameField().value));
  });
  try {
    config = await (await fetch('/config.json')).json();
    users = new UserManager({
      authority: `${config.keycloakUrl}/realms/${encodeURIComponent(config.realm)}`,
      client_id: dpop ? config.dpopClientId : config.clientId,
      redirect_uri: home,
      post_logout_redirect_uri: home,
      scope: 'openid', // PKCE (S256) is always on for the code flow in oidc-client-ts
      // DPoP: a P-256 key pair (private key not extractable) kept in IndexedDB signs a proof for
      // each token request, the authorization code is bound to it too (`dpop_jkt`).
      dpop: dpop ? { store: new IndexedDbDPoPStore(), bind_authorization_code: true } : undefined,
    });
    api = createApi();
    users.events.addSilentRenewError((error) => showMessage(`Session renewal failed: ${error}`));
    await attempt(completeRedirect);
    const user = await currentUser();
    if (user) await renderSignedIn(user);
    else renderSignedOut();
  } catch (error) {
    renderSignedOut();
    showMessage(`The example could not start: ${error instanceof Error ? error.message : error}`);
  }
}

void main();
