import { decodeJwt } from 'jose';
import type { AuthModuleOptions } from 'nest-keycloak-auth';
import { basicAuth, probe, type ProbeAnswer } from './keycloak-probe.js';

/** One line of the report: a check that passed, failed (with its fix) or could not run. */
export interface CheckResult {
  name: string;
  outcome: 'pass' | 'fail' | 'skip';
  detail: string;
  fix?: string;
}

/** What the doctor checks: the app's Keycloak options, and optionally a user to sign in. */
export interface DoctorInput {
  options: AuthModuleOptions;
  /** Sign this user in (password grant on `webClientId`) and check the token's `aud` and roles. */
  user?: { username: string; password: string; webClientId: string };
  /** Per HTTP call. @default 5000 */
  timeoutMs?: number;
}

interface Discovered {
  issuer: string;
  jwksUri: string;
  tokenEndpoint: string;
  introspectionEndpoint: string;
}

type Step = (state: State) => Promise<CheckResult>;

/** What earlier checks learned, for the later ones. */
interface State {
  input: DoctorInput;
  timeoutMs: number;
  realmUrl: string;
  discovered?: Discovered;
  serviceToken?: string;
}

const pass = (name: string, detail: string): CheckResult => ({ name, outcome: 'pass', detail });
const fail = (name: string, detail: string, fix: string): CheckResult => ({
  name,
  outcome: 'fail',
  detail,
  fix,
});

/**
 * Checks the configured Keycloak end to end, in order: each check that needs what an earlier
 * one failed to provide is reported as skipped, never as a second failure.
 */
export async function runDoctor(doctorInput: DoctorInput): Promise<CheckResult[]> {
  // The home realm is checked: the first of KEYCLOAK_REALMS, else KEYCLOAK_REALM.
  const { options } = doctorInput;
  const input = {
    ...doctorInput,
    options: { ...options, realm: options.realms?.[0] ?? options.realm },
  };
  const serverUrl = input.options.serverUrl.replace(/\/+$/, '');
  const state: State = {
    input,
    timeoutMs: input.timeoutMs ?? 5000,
    realmUrl: `${serverUrl}/realms/${encodeURIComponent(input.options.realm ?? '')}`,
  };
  const steps: Array<[string, Step, (s: State) => string | undefined]> = [
    ['url', checkUrl, () => undefined],
    ['realm', checkRealm, () => undefined],
    ['issuer', checkIssuer, needsDiscovery],
    ['jwks', checkJwks, needsDiscovery],
    ['credentials', checkCredentials, needsDiscovery],
    ['view-users', checkViewUsers, needsServiceToken],
    ['introspection', checkIntrospection, needsServiceToken],
  ];
  if (input.user) steps.push(['user', checkUser, needsDiscovery]);
  const results: CheckResult[] = [];
  for (const [name, step, missing] of steps) {
    const stop = results.find(
      (r) => r.outcome === 'fail' && (r.name === 'url' || r.name === 'realm'),
    );
    const why = stop ? `needs ${stop.name}` : missing(state);
    results.push(why ? { name, outcome: 'skip', detail: why } : await step(state));
  }
  return results;
}

const needsDiscovery = (s: State) => (s.discovered ? undefined : 'needs the realm');
const needsServiceToken = (s: State) => (s.serviceToken ? undefined : 'needs credentials');

async function checkUrl(state: State): Promise<CheckResult> {
  const url = state.input.options.serverUrl;
  const answer = await probe(url, {}, state.timeoutMs);
  if (!answer.ok) {
    return fail(
      'url',
      answer.cause,
      'set KEYCLOAK_URL to the base URL Keycloak answers at (e.g. http://localhost:8080), and check Keycloak is up',
    );
  }
  // Any HTTP answer shows Keycloak is up: its base URL has no page of its own (406, 404, 302).
  return pass('url', `Keycloak answers at ${url}`);
}

async function checkRealm(state: State): Promise<CheckResult> {
  const url = `${state.realmUrl}/.well-known/openid-configuration`;
  const answer = await probe(url, {}, state.timeoutMs);
  const realm = state.input.options.realm;
  if (!answer.ok) return fail('realm', answer.cause, 'check KEYCLOAK_URL and that Keycloak is up');
  if (answer.status === 404) {
    return fail(
      'realm',
      `realm ${realm} not found (${url} answered HTTP 404)`,
      'set KEYCLOAK_REALM to an existing realm; KEYCLOAK_URL must not end in /auth (Keycloak 17 and later)',
    );
  }
  const doc = (answer.json ?? {}) as Record<string, unknown>;
  const fields = ['issuer', 'jwks_uri', 'token_endpoint', 'introspection_endpoint'] as const;
  if (answer.status !== 200 || !fields.every((f) => typeof doc[f] === 'string')) {
    return fail(
      'realm',
      `${url} answered HTTP ${answer.status} without a discovery document`,
      'check KEYCLOAK_URL points at Keycloak itself, not a proxy page',
    );
  }
  const text = (f: (typeof fields)[number]) => doc[f] as string;
  state.discovered = {
    issuer: text('issuer'),
    jwksUri: text('jwks_uri'),
    tokenEndpoint: text('token_endpoint'),
    introspectionEndpoint: text('introspection_endpoint'),
  };
  return pass('realm', `realm ${realm} found: ${url}`);
}

function checkIssuer(state: State): Promise<CheckResult> {
  const discovered = state.discovered!.issuer;
  const pinned = state.input.options.issuer;
  if (pinned !== undefined && pinned !== discovered) {
    return Promise.resolve(
      fail(
        'issuer',
        `Keycloak reports issuer ${discovered}, KEYCLOAK_ISSUER expects ${pinned}`,
        `set KEYCLOAK_ISSUER=${discovered}, or give Keycloak the hostname of ${pinned} (KC_HOSTNAME)`,
      ),
    );
  }
  const how = pinned === undefined ? 'tokens must carry' : 'matches KEYCLOAK_ISSUER:';
  return Promise.resolve(pass('issuer', `${how} iss ${discovered}`));
}

async function checkJwks(state: State): Promise<CheckResult> {
  const url = state.discovered!.jwksUri;
  const answer = await probe(url, {}, state.timeoutMs);
  const algorithms = state.input.options.algorithms ?? ['RS256'];
  if (!answer.ok)
    return fail(
      'jwks',
      answer.cause,
      'check that the JWKS URL in the discovery document is reachable from this host',
    );
  const keys = (answer.json as { keys?: unknown } | undefined)?.keys;
  const signing = (Array.isArray(keys) ? keys : []).filter(
    (k: { use?: unknown; alg?: unknown }) => k.use !== 'enc' && algorithms.includes(String(k.alg)),
  );
  if (answer.status !== 200 || signing.length === 0) {
    return fail(
      'jwks',
      `no signing key for ${algorithms.join(', ')} at ${url} (HTTP ${answer.status})`,
      "add an active key for one of JWT_ALGORITHMS in Realm settings → Keys, or set JWT_ALGORITHMS to the realm's algorithm",
    );
  }
  return pass('jwks', `${signing.length} signing key(s) for ${algorithms.join(', ')}`);
}

async function checkCredentials(state: State): Promise<CheckResult> {
  const { clientId, clientSecret } = state.input.options;
  if (!clientSecret) {
    return fail(
      'credentials',
      'KEYCLOAK_CLIENT_SECRET is empty',
      `set it to the secret of client ${clientId} (Clients → ${clientId} → Credentials)`,
    );
  }
  const answer = await probe(
    state.discovered!.tokenEndpoint,
    {
      form: { grant_type: 'client_credentials' },
      authorization: basicAuth(clientId, clientSecret),
    },
    state.timeoutMs,
  );
  if (!answer.ok) return fail('credentials', answer.cause, 'check the token endpoint is reachable');
  if (answer.status === 401) {
    return fail(
      'credentials',
      `Keycloak refused the client id or secret of ${clientId} (HTTP 401)`,
      `set KEYCLOAK_CLIENT_SECRET to the secret in Clients → ${clientId} → Credentials, and KEYCLOAK_CLIENT_ID to that client`,
    );
  }
  const token = (answer.json as { access_token?: unknown } | undefined)?.access_token;
  if (answer.status !== 200 || typeof token !== 'string') {
    return fail(
      'credentials',
      `${clientId}'s credentials were accepted, but no service-account token was issued (HTTP ${answer.status}, ${oauthError(answer)})`,
      `turn on "Service accounts roles" for client ${clientId}`,
    );
  }
  state.serviceToken = token;
  return pass('credentials', `client ${clientId} authenticates; its service account gets a token`);
}

async function checkViewUsers(state: State): Promise<CheckResult> {
  const { serverUrl, realm, clientId } = state.input.options;
  const url = `${serverUrl.replace(/\/+$/, '')}/admin/realms/${encodeURIComponent(realm ?? '')}/users?max=1`;
  const answer = await probe(
    url,
    { authorization: `Bearer ${state.serviceToken}` },
    state.timeoutMs,
  );
  if (answer.ok && answer.status === 200)
    return pass('view-users', 'the service account may list users (GET /admin/users)');
  const what = answer.ok ? `the Admin REST API answered HTTP ${answer.status}` : answer.cause;
  return fail(
    'view-users',
    `the service account of ${clientId} cannot list users: ${what}`,
    `assign the client role realm-management → view-users in Clients → ${clientId} → Service accounts roles`,
  );
}

async function checkIntrospection(state: State): Promise<CheckResult> {
  const { clientId, clientSecret = '' } = state.input.options;
  const answer = await probe(
    state.discovered!.introspectionEndpoint,
    {
      form: { token: state.serviceToken!, token_type_hint: 'access_token' },
      authorization: basicAuth(clientId, clientSecret),
    },
    state.timeoutMs,
  );
  const active = answer.ok && (answer.json as { active?: unknown } | undefined)?.active === true;
  if (answer.ok && answer.status === 200 && active)
    return pass('introspection', 'introspection answers active for a fresh token');
  const what = answer.ok
    ? `HTTP ${answer.status}, active: ${String((answer.json as { active?: unknown } | undefined)?.active)}`
    : answer.cause;
  return fail(
    'introspection',
    `introspection with ${clientId}'s credentials does not work (${what})`,
    'check the client is confidential and its credentials (see the credentials check)',
  );
}

async function checkUser(state: State): Promise<CheckResult> {
  const user = state.input.user!;
  const answer = await probe(
    state.discovered!.tokenEndpoint,
    {
      form: {
        grant_type: 'password',
        client_id: user.webClientId,
        username: user.username,
        password: user.password,
        scope: 'openid',
      },
    },
    state.timeoutMs,
  );
  const token = answer.ok
    ? (answer.json as { access_token?: unknown } | undefined)?.access_token
    : undefined;
  if (!answer.ok || typeof token !== 'string') {
    const what = answer.ok ? `HTTP ${answer.status}, ${oauthError(answer)}` : answer.cause;
    return fail(
      'user',
      `${user.username} could not sign in through ${user.webClientId} (${what})`,
      `check the password, and that client ${user.webClientId} allows Direct access grants (development only)`,
    );
  }
  return audienceAndRoles(state, user.username, token);
}

/** The doctor's own look at a token it was just given: `aud` and roles, for display. */
function audienceAndRoles(state: State, username: string, token: string): CheckResult {
  const { clientId, audiences = [clientId] } = state.input.options;
  const claims = decodeJwt(token);
  const aud = typeof claims.aud === 'string' ? [claims.aud] : (claims.aud ?? []);
  const realmRoles = (claims.realm_access as { roles?: string[] } | undefined)?.roles ?? [];
  const access = claims.resource_access as Record<string, { roles?: string[] }> | undefined;
  const clientRoles = access?.[clientId]?.roles ?? [];
  if (!audiences.some((a) => aud.includes(a))) {
    return fail(
      'user',
      `${username}'s token has aud ${JSON.stringify(aud)}, without ${audiences.join(' or ')}: the API refuses it`,
      `add an Audience mapper for ${clientId} to client ${state.input.user!.webClientId} (Clients → … → Client scopes → dedicated scope → Add mapper)`,
    );
  }
  const roles = clientRoles.length ? clientRoles.join(', ') : 'none';
  return pass(
    'user',
    `${username}'s token carries aud ${clientId}; roles for ${clientId}: ${roles}; realm roles: ${realmRoles.join(', ') || 'none'}`,
  );
}

function oauthError(answer: ProbeAnswer): string {
  const error = answer.ok ? (answer.json as { error?: unknown } | undefined)?.error : undefined;
  return typeof error === 'string' ? error : 'no error code';
}
