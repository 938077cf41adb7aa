import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import {
  decodeJwt,
  decodeProtectedHeader,
  type JWTPayload,
  type ProtectedHeaderParameters,
} from 'jose';
import { dpopProof, type DpopKey } from 'nest-keycloak-auth/testing';
import type { KeycloakTarget } from '../../support/test-app.js';

/**
 * Helpers for the specs that run against a REAL Keycloak (`bash scripts/keycloak.sh start`):
 * tokens through the realm's token endpoint and the Admin REST API through plain `fetch`.
 * Everything they change in Keycloak is registered in an {@link UndoStack} by the caller.
 */

/** Keycloak base URL; KEYCLOAK_TEST_URL overrides it. */
export const KEYCLOAK_URL = (process.env.KEYCLOAK_TEST_URL || 'http://localhost:8080').replace(
  /\/+$/,
  '',
);
export const REALM = 'demo';
/** The API's confidential client (keycloak/realm-demo.json). */
export const API_CLIENT_ID = 'nest-api';
export const API_CLIENT_SECRET = 'nest-api-dev-secret';
/** The public client with the password grant enabled (development only), as scripts/token.mjs. */
export const WEB_CLIENT_ID = 'nest-api-web';
/** The public client whose tokens are DPoP-bound (`dpop.bound.access.tokens`), password grant too. */
export const DPOP_WEB_CLIENT_ID = 'nest-api-web-dpop';

const ADMIN_USERNAME = process.env.KC_BOOTSTRAP_ADMIN_USERNAME || 'admin';
const ADMIN_PASSWORD = process.env.KC_BOOTSTRAP_ADMIN_PASSWORD || 'admin';
const HTTP_TIMEOUT_MS = 15_000;

/** The demo realm's users, with the fixed ids and passwords of keycloak/realm-demo.json. */
export const DEMO_USERS = {
  alice: { id: '00000000-0000-4000-8000-00000000a11c', password: 'alice-dev-pw' },
  bob: { id: '00000000-0000-4000-8000-000000000b0b', password: 'bob-dev-pw' },
  carol: { id: '00000000-0000-4000-8000-0000000ca201', password: 'carol-dev-pw' },
  dave: { id: '00000000-0000-4000-8000-00000000da4e', password: 'dave-dev-pw' },
} as const;
export type DemoUser = keyof typeof DEMO_USERS;

/** Where `createTestApp` finds the real Keycloak: realm demo, client nest-api. */
export function keycloakTarget(url = KEYCLOAK_URL): KeycloakTarget {
  return { url, realm: REALM, clientId: API_CLIENT_ID, clientSecret: API_CLIENT_SECRET };
}

/** A name no earlier or concurrent run uses, e.g. `kc-e2e-noaud-m3x1k2-9f3a1c`. */
export function uniqueName(purpose: string): string {
  return `kc-e2e-${purpose}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

// --- tokens ------------------------------------------------------------------------------------

/** The token endpoint's answer (only the fields the specs use). */
export interface TokenSet {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token?: string;
  id_token?: string;
  scope?: string;
}

/** The realm's token endpoint: where a token request's DPoP proof points (`htu`). */
export function tokenEndpoint(realm = REALM): string {
  return `${KEYCLOAK_URL}/realms/${encodeURIComponent(realm)}/protocol/openid-connect/token`;
}

async function tokenRequest(
  realm: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<TokenSet> {
  const response = await send(tokenEndpoint(realm), {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Accept: 'application/json',
      ...headers,
    },
    body: new URLSearchParams(form),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(
      `token request (${form.grant_type}, ${form.client_id}) → ${response.status}: ${text}`,
    );
  }
  return JSON.parse(text) as TokenSet;
}

/** Resource-owner password grant (the demo realm enables it for development only). */
export function passwordGrant(
  username: string,
  password: string,
  options: {
    clientId?: string;
    clientSecret?: string;
    realm?: string;
    scope?: string;
    /** A DPoP proof for the token request: Keycloak binds the tokens to its key. */
    dpop?: string;
  } = {},
): Promise<TokenSet> {
  const form: Record<string, string> = {
    grant_type: 'password',
    client_id: options.clientId ?? WEB_CLIENT_ID,
    username,
    password,
    scope: options.scope ?? 'openid',
  };
  if (options.clientSecret) form.client_secret = options.clientSecret;
  return tokenRequest(options.realm ?? REALM, form, options.dpop ? { DPoP: options.dpop } : {});
}

/** Client-credentials grant: the client's service-account token. */
export function clientCredentialsGrant(
  clientId: string,
  clientSecret: string,
  realm = REALM,
): Promise<TokenSet> {
  return tokenRequest(realm, {
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: clientSecret,
  });
}

/** A demo user's tokens from `nest-api-web`, exactly as `npm run token -- <user>` gets them. */
export function userTokens(user: DemoUser): Promise<TokenSet> {
  return passwordGrant(user, DEMO_USERS[user].password);
}

/**
 * A demo user's tokens from `nest-api-web-dpop`, bound to `key`: the token request carries a
 * proof for the token endpoint (`htm` POST, no `ath`), as a browser using DPoP sends it.
 */
export async function dpopUserTokens(user: DemoUser, key: DpopKey): Promise<TokenSet> {
  const proof = await dpopProof({ key, htm: 'POST', htu: tokenEndpoint() });
  return passwordGrant(user, DEMO_USERS[user].password, {
    clientId: DPOP_WEB_CLIENT_ID,
    dpop: proof,
  });
}

/** The access token of the API's own service account (`npm run token -- --service`). */
export async function serviceAccountToken(): Promise<string> {
  return (await clientCredentialsGrant(API_CLIENT_ID, API_CLIENT_SECRET)).access_token;
}

/** Ends the one session a refresh token belongs to, through the OIDC logout endpoint. */
export async function logoutSession(refreshToken: string, clientId = WEB_CLIENT_ID): Promise<void> {
  const url = `${KEYCLOAK_URL}/realms/${REALM}/protocol/openid-connect/logout`;
  const response = await send(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: clientId, refresh_token: refreshToken }),
  });
  if (response.status !== 204) {
    throw new Error(`logout → ${response.status}: ${await response.text()}`);
  }
}

/** Keycloak's own introspection answer for a token, asked as nest-api (what the API asks). */
export async function introspect(
  token: string,
): Promise<{ active: boolean; [claim: string]: unknown }> {
  const url = `${KEYCLOAK_URL}/realms/${REALM}/protocol/openid-connect/token/introspect`;
  const response = await send(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Authorization: `Basic ${Buffer.from(`${API_CLIENT_ID}:${API_CLIENT_SECRET}`).toString('base64')}`,
    },
    body: new URLSearchParams({ token, token_type_hint: 'access_token' }),
  });
  if (!response.ok) throw new Error(`introspection → ${response.status}`);
  return (await response.json()) as { active: boolean; [claim: string]: unknown };
}

/** The realm's published JWKS kids. */
export async function publishedKids(realm = REALM): Promise<string[]> {
  const response = await send(`${KEYCLOAK_URL}/realms/${realm}/protocol/openid-connect/certs`);
  if (!response.ok) throw new Error(`certs → ${response.status}`);
  const { keys } = (await response.json()) as { keys: Array<{ kid: string }> };
  return keys.map((key) => key.kid);
}

/** A token's claims, decoded without verification (for assertions about what Keycloak issued). */
export function claimsOf(token: string): JWTPayload {
  return decodeJwt(token);
}

/** A token's protected header, decoded without verification. */
export function headerOf(token: string): ProtectedHeaderParameters {
  return decodeProtectedHeader(token);
}

/** Resolves once the clock has passed `exp` (seconds) by `marginMs`: no arbitrary sleeps. */
export async function waitUntilPast(exp: number, marginMs = 100): Promise<void> {
  const delay = exp * 1000 + marginMs - Date.now();
  if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
}

// --- Admin REST API ----------------------------------------------------------------------------

/** An `oidc-audience-mapper` adding `audience` (a client of the realm) to access tokens. */
export function audienceMapper(audience = API_CLIENT_ID, options: { idToken?: boolean } = {}) {
  return {
    name: `audience ${audience}`,
    protocol: 'openid-connect',
    protocolMapper: 'oidc-audience-mapper',
    consentRequired: false,
    config: {
      'included.client.audience': audience,
      'id.token.claim': String(options.idToken ?? false),
      'access.token.claim': 'true',
      'introspection.token.claim': 'true',
      'lightweight.claim': 'false',
    },
  };
}

/** Representation of a confidential client with a secret; `extra` overrides fields. */
export function confidentialClient(clientId: string, secret: string, extra: object = {}) {
  return {
    clientId,
    enabled: true,
    protocol: 'openid-connect',
    publicClient: false,
    clientAuthenticatorType: 'client-secret',
    secret,
    standardFlowEnabled: false,
    implicitFlowEnabled: false,
    directAccessGrantsEnabled: false,
    serviceAccountsEnabled: true,
    fullScopeAllowed: true,
    ...extra,
  };
}

/** The fields of a client representation the specs read; the rest is passed back untouched. */
export interface ClientRepresentation {
  id: string;
  clientId: string;
  frontchannelLogout?: boolean;
  attributes?: Record<string, string>;
  [field: string]: unknown;
}

interface AdminToken {
  value: string;
  refreshAt: number;
}

/** Keycloak's Admin REST API, as the master realm's bootstrap admin (`admin-cli` password grant). */
export class KeycloakAdmin {
  private token?: AdminToken;

  /** Checks that Keycloak and realm demo answer, with a hint when they do not. */
  static async connect(): Promise<KeycloakAdmin> {
    const discovery = `${KEYCLOAK_URL}/realms/${REALM}/.well-known/openid-configuration`;
    let status: number | string;
    try {
      status = (await send(discovery)).status;
    } catch (error) {
      status = (error as Error).message;
    }
    if (status !== 200) {
      throw new Error(
        `Keycloak realm "${REALM}" does not answer at ${discovery} (${status}). ` +
          'Start it with: bash scripts/keycloak.sh start (or set KEYCLOAK_TEST_URL)',
      );
    }
    const admin = new KeycloakAdmin();
    await admin.accessToken();
    return admin;
  }

  /** Calls `/admin/realms{path}`; throws on any status but 2xx. */
  async call<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; location?: string; data: T }> {
    const response = await send(`${KEYCLOAK_URL}/admin/realms${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${await this.accessToken()}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`Admin API ${method} ${path} → ${response.status}: ${text}`);
    return {
      status: response.status,
      location: response.headers.get('location') ?? undefined,
      data: (text ? JSON.parse(text) : undefined) as T,
    };
  }

  /** Creates something at `path` and returns the new id (last segment of `Location`). */
  async create(path: string, representation: unknown): Promise<string> {
    const { location } = await this.call('POST', path, representation);
    const id = location?.split('/').pop();
    if (!id) throw new Error(`Admin API POST ${path}: no Location header`);
    return decodeURIComponent(id);
  }

  async realmId(realm = REALM): Promise<string> {
    return (await this.call<{ id: string }>('GET', `/${realm}`)).data.id;
  }

  /** Creates a client in `realm` and returns its internal id. */
  createClient(representation: object, realm = REALM): Promise<string> {
    return this.create(`/${realm}/clients`, representation);
  }

  async deleteClient(id: string, realm = REALM): Promise<void> {
    await this.call('DELETE', `/${realm}/clients/${id}`);
  }

  /** A client's representation, found by its `clientId`; throws when the realm has none. */
  async clientNamed(clientId: string, realm = REALM): Promise<ClientRepresentation> {
    const path = `/${realm}/clients?clientId=${encodeURIComponent(clientId)}`;
    const [client] = (await this.call<ClientRepresentation[]>('GET', path)).data;
    if (!client) throw new Error(`realm ${realm} has no client ${clientId}`);
    return client;
  }

  /**
   * Makes Keycloak send OIDC Back-Channel Logouts with `sid` for `clientId` to `url` (the admin
   * console's "Backchannel logout URL"); `undo` puts the client back as it was.
   */
  async enableBackchannelLogout(clientId: string, url: string, undo: UndoStack): Promise<void> {
    const before = await this.clientNamed(clientId);
    const added = {
      'backchannel.logout.url': url,
      'backchannel.logout.session.required': 'true',
    };
    await this.call('PUT', `/${REALM}/clients/${before.id}`, {
      ...before,
      frontchannelLogout: false,
      attributes: { ...before.attributes, ...added },
    });
    undo.push(`restore client ${clientId}`, async () => {
      // A PUT keeps attributes it does not name; an empty value removes one.
      const cleared = Object.fromEntries(Object.keys(added).map((key) => [key, '']));
      const attributes = { ...cleared, ...before.attributes };
      await this.call('PUT', `/${REALM}/clients/${before.id}`, { ...before, attributes });
      const after = await this.clientNamed(clientId);
      if (
        !isDeepStrictEqual(after.attributes, before.attributes) ||
        after.frontchannelLogout !== before.frontchannelLogout
      ) {
        throw new Error(`client ${clientId} differs from before: ${JSON.stringify(after)}`);
      }
    });
  }

  async createRealm(representation: { realm: string; [field: string]: unknown }): Promise<void> {
    await this.call('POST', '', representation);
  }

  async deleteRealm(realm: string): Promise<void> {
    await this.call('DELETE', `/${encodeURIComponent(realm)}`);
  }

  /** The realm's keys: the active kid per algorithm and every key with its provider. */
  async keys(realm = REALM): Promise<{
    active: Record<string, string>;
    keys: Array<{ providerId: string; kid: string; algorithm: string; status: string }>;
  }> {
    return (await this.call<Awaited<ReturnType<KeycloakAdmin['keys']>>>('GET', `/${realm}/keys`))
      .data;
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.token.refreshAt > Date.now()) return this.token.value;
    const tokens = await tokenRequest('master', {
      grant_type: 'password',
      client_id: 'admin-cli',
      username: ADMIN_USERNAME,
      password: ADMIN_PASSWORD,
    });
    // master's admin tokens live 60 s by default: renew at half their lifetime.
    this.token = {
      value: tokens.access_token,
      refreshAt: Date.now() + (tokens.expires_in * 1000) / 2,
    };
    return tokens.access_token;
  }
}

/**
 * Undo steps for every change a spec makes in Keycloak, run newest first in afterAll. Every
 * step runs even when an earlier one fails; the failures are reported together.
 */
export class UndoStack {
  private readonly steps: Array<{ label: string; run: () => Promise<unknown> }> = [];

  push(label: string, run: () => Promise<unknown>): void {
    this.steps.push({ label, run });
  }

  async runAll(): Promise<void> {
    const failures: string[] = [];
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step.run();
      } catch (error) {
        failures.push(`${step.label}: ${(error as Error).message}`);
      }
    }
    if (failures.length > 0) throw new Error(`undo failed:\n${failures.join('\n')}`);
  }
}

function send(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { ...init, signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
}
