import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { JWTPayload } from 'jose';
import { toUserRepresentation, type StandInUser } from './demo-users.js';
import { discoveryDocument } from './discovery-document.js';
import type { FaultInjector, StandInEndpoint } from './faults.js';
import {
  bearerToken,
  clientCredentials,
  intParam,
  readForm,
  sendJson,
  sendRaw,
  type ClientCredentials,
} from './http-utils.js';
import type { StandInDecision } from './authorization-policies.js';
import type { PublicJwk } from './signing-keys.js';

/** What the HTTP endpoints need from the realm (KeycloakStandIn provides it). */
export interface RealmBackend {
  readonly realm: string;
  issuer(): string;
  jwks(): { keys: PublicJwk[] };
  users(): readonly StandInUser[];
  isClient(credentials: ClientCredentials): boolean;
  /** Signs a client_credentials token for the service account. */
  issueClientToken(): Promise<{ token: string; expiresIn: number; scope: string }>;
  /** Claims of a token the realm issued that is still valid and not revoked. */
  verify(token: string): Promise<JWTPayload | undefined>;
  /** What introspection tells of a token: every claim, a lightweight token's left-out ones too. */
  introspectionClaims(claims: JWTPayload): JWTPayload;
  /** Authorization Services' decision on one `resource#scope` for the token's claims. */
  decide(claims: JWTPayload, permission: string): StandInDecision;
}

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>;

interface Route {
  endpoint: StandInEndpoint;
  method: 'GET' | 'POST';
  handle: Handler;
}

const error = (code: string, description: string) => ({
  error: code,
  error_description: description,
});

/** The realm's HTTP surface: routing, counting, fault injection and Keycloak-like answers. */
export function realmRequestListener(
  realm: RealmBackend,
  counts: Record<StandInEndpoint, number>,
  faults: FaultInjector,
): RequestListener {
  const routes = realmRoutes(realm);
  return (req, res) => {
    void (async () => {
      try {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const route = routes.get(url.pathname);
        if (!route) return notFound(res, url.pathname, realm.realm);
        if (req.method !== route.method) {
          return sendJson(res, 405, { error: 'HTTP 405 Method Not Allowed' });
        }
        counts[route.endpoint]++;
        const fault = faults.take(route.endpoint);
        if (fault?.delayMs && !(await faults.sleep(fault.delayMs, res))) return void res.destroy();
        if (fault && (fault.status !== undefined || fault.body !== undefined)) {
          return sendRaw(res, fault.status ?? 200, fault.body ?? '{"error":"unknown_error"}');
        }
        await route.handle(req, res, url);
      } catch (cause) {
        if (!res.headersSent) sendJson(res, 500, { error: 'unknown_error', detail: String(cause) });
      }
    })();
  };
}

function realmRoutes(realm: RealmBackend): Map<string, Route> {
  const base = `/realms/${realm.realm}`;
  const oidc = `${base}/protocol/openid-connect`;
  const noCache = { 'cache-control': 'no-cache' };
  const route = (endpoint: StandInEndpoint, method: Route['method'], handle: Handler) => ({
    endpoint,
    method,
    handle,
  });
  return new Map<string, Route>([
    [
      `${base}/.well-known/openid-configuration`,
      route('discovery', 'GET', (_req, res) =>
        sendJson(res, 200, discoveryDocument(realm.issuer()), noCache),
      ),
    ],
    [
      `${oidc}/certs`,
      route('jwks', 'GET', (_req, res) => sendJson(res, 200, realm.jwks(), noCache)),
    ],
    [`${oidc}/token`, route('token', 'POST', (req, res) => token(realm, req, res))],
    [
      `${oidc}/token/introspect`,
      route('introspect', 'POST', (req, res) => introspect(realm, req, res)),
    ],
    [
      `/admin/realms/${realm.realm}/users`,
      route('adminUsers', 'GET', (req, res, url) => adminUsers(realm, req, res, url)),
    ],
  ]);
}

function notFound(res: ServerResponse, pathname: string, realm: string): void {
  const requested = /^\/(?:admin\/)?realms\/([^/]+)/.exec(pathname)?.[1];
  const unknownRealm = requested !== undefined && requested !== realm;
  const message = unknownRealm
    ? 'Realm does not exist'
    : 'Unable to find matching target resource method';
  sendJson(res, 404, { error: message });
}

async function token(realm: RealmBackend, req: IncomingMessage, res: ServerResponse) {
  const form = await readForm(req);
  const grantType = form.get('grant_type');
  if (!grantType) {
    return sendJson(res, 400, error('invalid_request', 'Missing form parameter: grant_type'));
  }
  if (grantType === UMA_TICKET) return decision(realm, req, res, form);
  if (!realm.isClient(clientCredentials(req, form))) {
    return sendJson(
      res,
      401,
      error('invalid_client', 'Invalid client or Invalid client credentials'),
    );
  }
  if (grantType !== 'client_credentials') {
    return sendJson(res, 400, error('unsupported_grant_type', 'Unsupported grant_type'));
  }
  const issued = await realm.issueClientToken();
  const body = {
    access_token: issued.token,
    expires_in: issued.expiresIn,
    refresh_expires_in: 0,
    token_type: 'Bearer',
    'not-before-policy': 0,
    scope: issued.scope,
  };
  sendJson(res, 200, body, { 'cache-control': 'no-store', pragma: 'no-cache' });
}

const UMA_TICKET = 'urn:ietf:params:oauth:grant-type:uma-ticket';

/**
 * Keycloak Authorization Services' decision (UMA grant with the user's bearer token,
 * `response_mode=decision`): 200 `{"result":true}` when every permission is granted, 403
 * `access_denied` otherwise, 400 `invalid_resource`/`invalid_scope` for names the client's
 * settings do not have, 401 for a token the realm no longer accepts.
 */
async function decision(
  realm: RealmBackend,
  req: IncomingMessage,
  res: ServerResponse,
  form: URLSearchParams,
) {
  const token = bearerToken(req);
  const claims = token ? await realm.verify(token) : undefined;
  if (!claims) return sendJson(res, 401, error('invalid_grant', 'Invalid bearer token'));
  const permissions = form.getAll('permission');
  if (permissions.length === 0 || form.get('response_mode') !== 'decision') {
    return sendJson(res, 400, error('invalid_request', 'The stand-in answers decisions only'));
  }
  const decisions = permissions.map((permission) => realm.decide(claims, permission));
  const unknown = decisions.find((d) => d === 'invalid_resource' || d === 'invalid_scope');
  if (unknown)
    return sendJson(res, 400, error(unknown, `Unknown permission in ${permissions.join(' ')}`));
  if (decisions.some((d) => d !== 'granted')) {
    return sendJson(res, 403, error('access_denied', 'not_authorized'));
  }
  sendJson(res, 200, { result: true });
}

async function introspect(realm: RealmBackend, req: IncomingMessage, res: ServerResponse) {
  const form = await readForm(req);
  if (!realm.isClient(clientCredentials(req, form))) {
    return sendJson(res, 401, error('invalid_request', 'Authentication failed.'));
  }
  const token = form.get('token');
  if (!token) return sendJson(res, 400, error('invalid_request', 'Token not provided.'));
  const verified = await realm.verify(token);
  if (!verified) return sendJson(res, 200, { active: false });
  const claims = realm.introspectionClaims(verified);
  const extra = { client_id: claims.azp, username: claims.preferred_username, active: true };
  sendJson(res, 200, { ...claims, ...extra, token_type: claims.typ ?? 'Bearer' });
}

async function adminUsers(
  realm: RealmBackend,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
) {
  const token = bearerToken(req);
  const claims = token ? await realm.verify(token) : undefined;
  if (!claims) return sendJson(res, 401, { error: 'HTTP 401 Unauthorized' });
  if (!hasClientRole(claims, 'realm-management', 'view-users')) {
    return sendJson(res, 403, { error: 'HTTP 403 Forbidden' });
  }
  const first = intParam(url, 'first', 0);
  const max = intParam(url, 'max', 100);
  sendJson(
    res,
    200,
    realm
      .users()
      .slice(first, first + max)
      .map(toUserRepresentation),
  );
}

function hasClientRole(claims: JWTPayload, client: string, role: string): boolean {
  const access = claims.resource_access as Record<string, { roles?: unknown }> | undefined;
  const roles = access?.[client]?.roles;
  return Array.isArray(roles) && roles.includes(role);
}
