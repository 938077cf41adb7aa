#!/usr/bin/env node
/* global process, console, fetch, URL, URLSearchParams, AbortSignal */
// Prints ONLY an access token on stdout (errors go to stderr, exit code != 0), so it can be used
// as   TOKEN=$(npm run -s token -- alice)   (note -s: without it npm prints its own header).
//
//   npm run -s token -- alice|bob|carol|dave     password grant, public client nest-api-web
//   npm run -s token -- someone 'their-password'  any user of the realm
//   npm run -s token -- --service                 client_credentials of the API client nest-api
//   npm run -s token -- alice --json              the whole token response (JSON) instead
//   npm run -s token -- alice --scope 'organization:*'   extra scopes after openid (any, space-
//                                                 separated; e.g. the organization claim for /orgs)
//
// DEVELOPMENT ONLY: relies on the password grant (direct access grants) that keycloak/realm-demo.json
// enables on nest-api-web for development and tests, and on the demo users' fixed passwords.
//
// Environment: KEYCLOAK_URL (default http://localhost:8080), KEYCLOAK_REALM (default demo),
// KEYCLOAK_WEB_CLIENT_ID (default nest-api-web), KEYCLOAK_CLIENT_ID (default nest-api),
// KEYCLOAK_CLIENT_SECRET (default nest-api-dev-secret, dev only). Each is also read from the
// repository's .env: real variable > .env > default, the app's order (src/main.ts).

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';

const DEMO_PASSWORDS = {
  alice: 'alice-dev-pw', // nest-api: api-admin
  bob: 'bob-dev-pw', // nest-api: api-read
  carol: 'carol-dev-pw', // no API role
  dave: 'dave-dev-pw', // nest-api: api-read, api-write
};

const usage = `usage: npm run -s token -- <alice|bob|carol|dave|username [password]> [--scope '<scopes>'] [--json]
       npm run -s token -- --service [--scope '<scopes>'] [--json]`;

function fail(message, code = 1) {
  console.error(`token: ${message}`);
  process.exit(code);
}

// The .env next to package.json, whatever the working directory. An empty real variable counts as
// unset, as in scripts/common.sh (the defaults below use ||, which treats '' the same way).
const envFile = new URL('../.env', import.meta.url);
let dotenv = {};
try {
  dotenv = parseEnv(readFileSync(envFile, 'utf8'));
} catch (err) {
  if (err?.code !== 'ENOENT') fail(`cannot read ${fileURLToPath(envFile)}: ${err?.message ?? err}`);
}
for (const [name, value] of Object.entries(dotenv)) {
  if (!process.env[name]) process.env[name] = value;
}

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.error(usage);
  process.exit(0);
}
// --scope takes the next argument (or --scope=value); the rest are flags or positionals.
let extraScopes = '';
const rest = [];
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (arg === '--scope') {
    if (i + 1 >= args.length) fail(`--scope needs a value, e.g. --scope 'organization:*'`, 2);
    extraScopes += ` ${args[++i]}`;
  } else if (arg.startsWith('--scope=')) {
    extraScopes += ` ${arg.slice('--scope='.length)}`;
  } else {
    rest.push(arg);
  }
}
// Scope tokens are printable ASCII without space, quote or backslash (RFC 6749 §3.3).
const scopes = extraScopes.split(' ').filter(Boolean);
const badScope = scopes.find((scope) => !/^[\x21\x23-\x5B\x5D-\x7E]+$/.test(scope));
if (badScope !== undefined) fail(`invalid scope ${JSON.stringify(badScope)}`, 2);
const json = rest.includes('--json');
const service = rest.includes('--service');
const positional = rest.filter((a) => !a.startsWith('--'));
const unknown = rest.filter((a) => a.startsWith('--') && !['--json', '--service'].includes(a));
if (unknown.length > 0) fail(`unknown option ${unknown.join(' ')}\n${usage}`, 2);

const baseUrl = (process.env.KEYCLOAK_URL || 'http://localhost:8080').replace(/\/+$/, '');
const realm = process.env.KEYCLOAK_REALM || 'demo';
const tokenUrl = `${baseUrl}/realms/${encodeURIComponent(realm)}/protocol/openid-connect/token`;

const form = new URLSearchParams();
if (service) {
  if (positional.length > 0) fail(`--service takes no user\n${usage}`, 2);
  form.set('grant_type', 'client_credentials');
  form.set('client_id', process.env.KEYCLOAK_CLIENT_ID || 'nest-api');
  form.set('client_secret', process.env.KEYCLOAK_CLIENT_SECRET || 'nest-api-dev-secret');
  if (scopes.length > 0) form.set('scope', scopes.join(' '));
} else {
  const [username, explicitPassword] = positional;
  if (!username || positional.length > 2) fail(usage, 2);
  const password =
    explicitPassword ?? (Object.hasOwn(DEMO_PASSWORDS, username) ? DEMO_PASSWORDS[username] : '');
  if (!password) fail(`no known password for "${username}"; pass it as second argument`, 2);
  form.set('grant_type', 'password');
  form.set('client_id', process.env.KEYCLOAK_WEB_CLIENT_ID || 'nest-api-web');
  form.set('username', username);
  form.set('password', password);
  form.set('scope', ['openid', ...scopes].join(' '));
}

let response;
try {
  response = await fetch(tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: form,
    signal: AbortSignal.timeout(15_000),
  });
} catch (err) {
  const cause = err instanceof Error && err.cause instanceof Error ? ` (${err.cause.message})` : '';
  fail(
    `cannot reach ${tokenUrl}: ${err instanceof Error ? err.message : String(err)}${cause}\n` +
      'Is Keycloak running? Start the whole stack with: npm run stack',
  );
}

const text = await response.text();
let body;
try {
  body = JSON.parse(text);
} catch {
  fail(`HTTP ${response.status} from ${tokenUrl}: ${text.slice(0, 300)}`);
}
if (!response.ok || typeof body.access_token !== 'string') {
  const detail = body.error_description || body.error || text.slice(0, 300);
  fail(`HTTP ${response.status} from ${tokenUrl}: ${detail}`);
}

process.stdout.write(json ? `${JSON.stringify(body, null, 2)}\n` : `${body.access_token}\n`);
