// The example SPA: sign in on Keycloak (authorization code + PKCE, public client: no secret),
// then call the API with the access token. Settings come from the server's /config.json.
import { UserManager } from '/vendor/oidc-client-ts.js';

/** What each refusal of the API means to the person in front of the page. */
const EXPLANATIONS = {
  400: 'The API refused the input.',
  401: 'You are not signed in, or your session has expired. Please sign in again.',
  403: 'You are signed in, but your account is not allowed to do this.',
  404: 'That item does not exist (any more).',
  502: 'The API could not ask Keycloak whether your session is still valid. Try again shortly.',
  503: 'The API cannot verify tokens right now (Keycloak unreachable). Try again shortly.',
};

/** An answer of the API other than 2xx, with its `{ statusCode, message, error }` body. */
class ApiError extends Error {
  constructor(status, body) {
    const detail = Array.isArray(body?.message) ? body.message.join('; ') : body?.message;
    const explanation = EXPLANATIONS[status] ?? 'The API answered with an error.';
    super(
      `${status} ${body?.error ?? 'Error'}: ${explanation}` + (detail ? ` (API: ${detail})` : ''),
    );
    this.status = status;
  }
}

const $ = (id) => document.getElementById(id);
let config;
let users;

/** Calls the API with the signed-in user's access token; throws ApiError or a readable Error. */
async function api(path, { method = 'GET', body } = {}) {
  const user = await users.getUser();
  const headers = {};
  if (user) headers.authorization = `Bearer ${user.access_token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response;
  try {
    response = await fetch(`${config.apiUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    // The browser hides the reason (network or CORS) from scripts; its console shows it.
    throw new Error(
      `Could not reach the API at ${config.apiUrl}. Is it running, and is ${location.origin} in its CORS_ORIGINS?`,
    );
  }
  if (response.status === 204) return undefined;
  const data = await response.json().catch(() => undefined);
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

function showMessage(text, kind = 'error') {
  const box = $('message');
  box.textContent = text;
  box.className = `message ${kind}`;
  box.hidden = false;
}

function clearMessage() {
  $('message').hidden = true;
}

/** Runs an action and shows what went wrong instead of failing silently. */
async function attempt(action) {
  try {
    await action();
  } catch (error) {
    showMessage(error instanceof Error ? error.message : String(error));
    if (error instanceof ApiError && error.status === 401) $('sign-in').hidden = false;
  }
}

function renderSignedOut() {
  $('who').textContent = 'Not signed in';
  $('sign-in').hidden = false;
  $('sign-out').hidden = true;
  $('signed-in').hidden = true;
  $('signed-out').hidden = false;
}

async function renderSignedIn(user) {
  $('who').textContent = `Signed in as ${user.profile.preferred_username ?? user.profile.sub}`;
  $('sign-in').hidden = true;
  $('sign-out').hidden = false;
  $('signed-out').hidden = true;
  $('signed-in').hidden = false;
  await attempt(async () => {
    const me = await api('/me');
    $('roles').textContent = `Roles for this API: ${me.clientRoles.join(', ') || 'none'}`;
  });
  await attempt(loadItems);
}

/** Counts list loads: a load that a later one overtook renders nothing. */
let listings = 0;

async function loadItems() {
  const turn = ++listings;
  const items = await api('/items');
  const me = (await users.getUser())?.profile.sub;
  // Sign-in and a create can both be loading the list: only the newest answer is drawn, in one
  // step, so no row shows twice.
  if (turn !== listings) return;
  const rows = items.map((item) => itemRow(item, me));
  $('items').replaceChildren(...rows);
  $('no-items').hidden = items.length > 0;
}

function itemRow(item, me) {
  const row = document.createElement('tr');
  row.dataset.id = String(item.id);
  const owner = item.owner === me ? 'you' : item.owner;
  for (const text of [item.id, item.name, owner]) {
    const cell = document.createElement('td');
    cell.textContent = String(text);
    row.append(cell);
  }
  const remove = document.createElement('button');
  remove.type = 'button';
  remove.textContent = 'Delete';
  remove.addEventListener('click', () => void attempt(() => deleteItem(item)));
  const cell = document.createElement('td');
  cell.append(remove);
  row.append(cell);
  return row;
}

async function createItem(name) {
  const item = await api('/items', { method: 'POST', body: { name } });
  $('name').value = '';
  await loadItems();
  showMessage(`Created item #${item.id} “${item.name}”.`, 'info');
}

async function deleteItem(item) {
  await api(`/items/${item.id}`, { method: 'DELETE' });
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
    history.replaceState(null, '', location.pathname);
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
  $('create').addEventListener('submit', (event) => {
    event.preventDefault();
    clearMessage();
    void attempt(() => createItem($('name').value));
  });
  try {
    config = await (await fetch('/config.json')).json();
    const origin = location.origin;
    users = new UserManager({
      authority: `${config.keycloakUrl}/realms/${encodeURIComponent(config.realm)}`,
      client_id: config.clientId,
      redirect_uri: `${origin}/`,
      post_logout_redirect_uri: `${origin}/`,
      scope: 'openid', // PKCE (S256) is always on for the code flow in oidc-client-ts
    });
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
