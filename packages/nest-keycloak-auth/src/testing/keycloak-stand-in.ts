import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose';
import {
  decidePermission,
  demoPolicies,
  type AuthorizationPolicies,
} from './authorization-policies.js';
import { demoUsers, partnerUsers, type DemoUsername, type StandInUser } from './demo-users.js';
import { SUPPORTED_ALGS } from './discovery-document.js';
import { FaultInjector, type Fault, type StandInEndpoint } from './faults.js';
import { LoopbackServer } from './loopback-server.js';
import { postLogoutToken, signLogoutToken, type LogoutTokenOptions } from './logout-tokens.js';
import { realmRequestListener, type RealmBackend } from './realm-endpoints.js';
import {
  KeyRing,
  takeSigningKey,
  type PublicJwk,
  type SigningAlg,
  type SigningKey,
} from './signing-keys.js';
import { LIGHTWEIGHT_CLAIMS, TokenFactory, type MintOptions } from './token-factory.js';

/** Options for {@link KeycloakStandIn.start}. */
export interface StandInOptions {
  /** Realm name (default 'demo'). */
  realm?: string;
  /** Confidential client allowed to use client_credentials and introspection (default 'nest-api'). */
  clientId?: string;
  /** That client's secret (default 'test-secret'). */
  clientSecret?: string;
  /** Port on 127.0.0.1 (default: ephemeral). */
  port?: number;
  /** Algorithm of the realm signing key (default 'RS256'). */
  alg?: SigningAlg;
  /** expires_in of client_credentials tokens in seconds (default 300). */
  tokenExpiresIn?: number;
  /** resource_access[clientId].roles of the service account (default none: entry omitted). */
  serviceAccountRoles?: string[];
  /** Realm users (default alice, bob, carol, dave). */
  users?: StandInUser[];
  /**
   * Further realms served on the same port, each with its own signing key, counters, faults
   * and users (default: paula, api-read), with the same client id and secret; reach one with
   * `realmNamed(name)`.
   */
  realms?: string[];
}

/** What realms served on one port share. */
interface SharedServer {
  readonly server: LoopbackServer;
  readonly realms: Map<string, KeycloakStandIn>;
}

/** Requests received per endpoint since start or the last resetCounts(). */
export type RequestCounts = Record<StandInEndpoint, number>;

/** An in-process Keycloak realm for tests: discovery, JWKS, token, introspection, admin users. */
export class KeycloakStandIn {
  readonly realm: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Lifetime of client_credentials tokens in seconds; may be changed between requests. */
  tokenExpiresIn: number;
  /** Client roles put in service-account tokens; may be changed between requests. */
  serviceAccountRoles: string[];
  /** Users behind the admin endpoint and the token presets; may be edited. */
  users: StandInUser[];
  /** Live request counters (the same object across resetCounts()). */
  readonly requests: RequestCounts = {
    discovery: 0,
    jwks: 0,
    token: 0,
    introspect: 0,
    adminUsers: 0,
  };

  /**
   * Authorization Services on the API client (`@Permission`): resource → scope → the roles of
   * which one grants it. Starts as the demo realm's; change it with setPolicy().
   */
  policies: AuthorizationPolicies = demoPolicies();
  /** Decisions asked of the token endpoint (UMA grant), one per permission. */
  decisionRequests = 0;
  private readonly faults = new FaultInjector();
  /** Every claim of each lightweight token minted, by jti, for introspection. */
  private readonly lightweightClaims = new Map<string, JWTPayload>();
  private readonly revoked = new Set<string>();
  /** Where endSession() posts logout tokens (a client's `backchannel.logout.url`). */
  private backchannelLogoutUrl?: string;
  private readonly tokens: TokenFactory;
  private readonly server: LoopbackServer;
  /** Every realm on this port, by name (this one included). */
  private readonly realms: Map<string, KeycloakStandIn>;
  private readonly listener: RequestListener;

  private constructor(
    options: StandInOptions,
    private readonly keys: KeyRing,
    private readonly alg: SigningAlg,
    shared?: SharedServer,
  ) {
    this.realm = options.realm ?? 'demo';
    this.clientId = options.clientId ?? 'nest-api';
    this.clientSecret = options.clientSecret ?? 'test-secret';
    this.tokenExpiresIn = options.tokenExpiresIn ?? 300;
    this.serviceAccountRoles = options.serviceAccountRoles ?? [];
    this.users = options.users ?? demoUsers();
    this.tokens = new TokenFactory(this, keys);
    this.listener = realmRequestListener(this.backend(), this.requests, this.faults);
    this.realms = shared?.realms ?? new Map<string, KeycloakStandIn>();
    this.server = shared?.server ?? new LoopbackServer((req, res) => this.dispatch(req, res));
    this.realms.set(this.realm, this);
  }

  /** Generates a signing key per realm and listens on 127.0.0.1. */
  static async start(options: StandInOptions = {}): Promise<KeycloakStandIn> {
    const alg = options.alg ?? 'RS256';
    const standIn = new KeycloakStandIn(options, await KeyRing.create(alg), alg);
    for (const realm of options.realms ?? []) {
      if (standIn.realms.has(realm)) throw new Error(`Realm ${realm} listed twice`);
      const { clientId, clientSecret } = standIn;
      const other = { realm, clientId, clientSecret, users: partnerUsers() };
      const shared = { server: standIn.server, realms: standIn.realms };
      new KeycloakStandIn(other, await KeyRing.create(alg), alg, shared);
    }
    await standIn.server.listen(options.port ?? 0);
    return standIn;
  }

  /** Another realm this stand-in serves on its port (`StandInOptions.realms`), or this one. */
  realmNamed(name: string): KeycloakStandIn {
    const realm = this.realms.get(name);
    if (!realm) throw new Error(`The stand-in serves no realm ${name}`);
    return realm;
  }

  /** Base URL, e.g. http://127.0.0.1:40123 (stable across stop/restart). */
  get url(): string {
    return `http://127.0.0.1:${this.server.port}`;
  }

  /** Port the stand-in listens on. */
  get port(): number {
    return this.server.port;
  }

  /** `${url}/realms/${realm}`, the iss of every token. */
  get issuer(): string {
    return `${this.url}/realms/${this.realm}`;
  }

  /** kid of the key new tokens are signed with. */
  get currentKid(): string {
    return this.keys.current.kid;
  }

  /** The public JWKS the certs endpoint serves. */
  jwks(): { keys: PublicJwk[] } {
    return this.keys.jwks();
  }

  /** A public key as JWK (default: the current key). */
  publicJwk(kid: string = this.currentKid): PublicJwk {
    return this.key(kid).publicJwk;
  }

  /** A public key as SPKI PEM (default: the current key). */
  publicKeyPem(kid: string = this.currentKid): string {
    return this.key(kid).publicPem;
  }

  /** Adds a new current signing key and returns its kid; keepOld=false drops all others. */
  async rotateKey(options: { keepOld?: boolean; alg?: SigningAlg } = {}): Promise<string> {
    const key = await takeSigningKey(options.alg ?? this.alg);
    const old = this.keys.jwks().keys.map((jwk) => jwk.kid);
    this.keys.add(key);
    if (options.keepOld === false) for (const kid of old) this.keys.remove(kid);
    return key.kid;
  }

  /** Unpublishes a key; the newest remaining one becomes current. */
  removeKey(kid: string): void {
    this.keys.remove(kid);
  }

  /** Makes introspection (and the admin API) treat this exact token as inactive. */
  revoke(token: string): void {
    this.revoked.add(token);
  }

  /**
   * A signed logout token (OIDC Back-Channel Logout) ending a session (`sid`) or a subject's
   * sessions (`sub`); the forging options each break one check a receiver must make.
   */
  logoutToken(options: LogoutTokenOptions = {}): Promise<string> {
    return signLogoutToken(
      {
        issuer: this.issuer,
        users: this.users,
        currentKid: this.currentKid,
        publicKeyPem: (kid) => this.publicKeyPem(kid),
        publicJwk: (kid) => this.publicJwk(kid),
        sign: (payload, typ) => this.tokens.sign(payload, undefined, typ),
      },
      options,
    );
  }

  /** Sets the URL endSession() posts logout tokens to (a client's `backchannel.logout.url`). */
  registerBackchannelLogout(url: string | undefined): void {
    this.backchannelLogoutUrl = url;
  }

  /**
   * Ends a session as Keycloak does: posts a logout token (form body) to the registered URL and
   * resolves with the status it answered (0 when nothing answered).
   */
  async endSession(options: LogoutTokenOptions): Promise<number> {
    if (this.backchannelLogoutUrl === undefined) {
      throw new Error('No back-channel logout URL: call registerBackchannelLogout(url) first');
    }
    return postLogoutToken(this.backchannelLogoutUrl, await this.logoutToken(options));
  }

  /** Applies a fault to the next `times` requests of an endpoint. */
  failNext(endpoint: StandInEndpoint, fault: Fault, times = 1): void {
    this.faults.failNext(endpoint, fault, times);
  }

  /** Applies a fault to every request of an endpoint; undefined removes it. */
  setFault(endpoint: StandInEndpoint, fault: Fault | undefined): void {
    this.faults.set(endpoint, fault);
  }

  /** Resolves when the next request held by a `delayMs` fault has arrived and is waiting. */
  delayedRequest(): Promise<void> {
    return this.faults.nextSleep();
  }

  /**
   * Ends every `delayMs` hold now: the held requests are answered as if their delay had run out
   * (served normally, or with the fault's status and body). With delayedRequest(), a test holds
   * a request exactly as long as it needs, without sleeping.
   */
  releaseDelayed(): void {
    this.faults.finishSleeps();
  }

  /** Changes the roles that grant `resource#scope` (a policy edited in the console). */
  setPolicy(permission: string, roles: readonly string[]): void {
    const [resource, scope] = permission.split('#', 2);
    const scopes = this.policies.get(resource) ?? new Map<string, readonly string[]>();
    scopes.set(scope, [...roles]);
    this.policies.set(resource, scopes);
  }

  /** Removes all injected faults. */
  clearFaults(): void {
    this.faults.clear();
  }

  /** Zeroes the request counters. */
  resetCounts(): void {
    for (const endpoint of Object.keys(this.requests) as StandInEndpoint[]) {
      this.requests[endpoint] = 0;
    }
    this.decisionRequests = 0;
  }

  /** Clears counters, faults and revocations (keys and users are kept). */
  reset(): void {
    this.resetCounts();
    this.clearFaults();
    this.revoked.clear();
  }

  /** The claims an access token would carry, unsigned (feed to the forging helpers). */
  accessClaims(options: MintOptions = {}): JWTPayload {
    return this.tokens.claims('access', options);
  }

  /** A signed Keycloak-shaped access token (default user alice). */
  mintAccessToken(options: MintOptions = {}): Promise<string> {
    if (!options.lightweight) return this.tokens.mint('access', options);
    // Keycloak keeps the rest for introspection: so does the stand-in, by jti.
    const full = this.tokens.claims('access', options);
    const light = Object.fromEntries(
      Object.entries(full).filter(([name]) => LIGHTWEIGHT_CLAIMS.includes(name)),
    );
    this.lightweightClaims.set(String(full.jti), full);
    return this.tokens.sign(light, options.kid);
  }

  /** A signed ID token (typ 'ID', aud = azp). */
  mintIdToken(options: MintOptions = {}): Promise<string> {
    return this.tokens.mint('id', options);
  }

  /** A signed refresh token (typ 'Refresh', aud = issuer). */
  mintRefreshToken(options: MintOptions = {}): Promise<string> {
    return this.tokens.mint('refresh', options);
  }

  /**
   * Access token of a demo user: alice is api-admin, bob api-read, carol has no client role,
   * dave api-read and api-write.
   */
  tokenFor(username: DemoUsername, options: Omit<MintOptions, 'username'> = {}): Promise<string> {
    return this.mintAccessToken({ ...options, username });
  }

  /**
   * Closes the server and destroys open sockets, so clients get ECONNREFUSED right away. The
   * realms on one port share it: stopping one stops them all.
   */
  async stop(): Promise<void> {
    for (const realm of this.realms.values()) realm.faults.cancelSleeps();
    await this.server.stop();
  }

  /** Listens again on the same port with the same keys and state (stops first if running). */
  async restart(): Promise<void> {
    await this.stop();
    await this.server.listen(this.server.port);
  }

  /** Hands a request to the realm its path names; any other path gets this realm's 404s. */
  private dispatch(req: IncomingMessage, res: ServerResponse): void {
    const name = /^\/(?:admin\/)?realms\/([^/?]+)/.exec(req.url ?? '')?.[1];
    const realm = (name !== undefined && this.realms.get(decodeURIComponent(name))) || this;
    realm.listener(req, res);
  }

  private key(kid: string): SigningKey {
    const key = this.keys.find(kid);
    if (!key) throw new Error(`Unknown kid ${kid}`);
    return key;
  }

  private backend(): RealmBackend {
    return {
      realm: this.realm,
      issuer: () => this.issuer,
      jwks: () => this.keys.jwks(),
      users: () => this.users,
      isClient: ({ clientId, clientSecret }) =>
        clientId === this.clientId && clientSecret === this.clientSecret,
      issueClientToken: async () => {
        const claims = this.tokens.serviceAccountClaims(
          this.serviceAccountRoles,
          this.tokenExpiresIn,
        );
        const token = await this.tokens.sign(claims);
        return { token, expiresIn: this.tokenExpiresIn, scope: String(claims.scope) };
      },
      verify: (token) => this.verifyIssued(token),
      introspectionClaims: (claims) => this.lightweightClaims.get(String(claims.jti)) ?? claims,
      decide: (claims, permission) => {
        this.decisionRequests++;
        return decidePermission(this.policies, claims, this.clientId, permission);
      },
    };
  }

  /** Claims of a token signed by a published key, unexpired, with our issuer and not revoked. */
  private async verifyIssued(token: string): Promise<JWTPayload | undefined> {
    if (this.revoked.has(token)) return undefined;
    try {
      const keySet = createLocalJWKSet(this.keys.jwks());
      const options = { issuer: this.issuer, algorithms: [...SUPPORTED_ALGS] };
      return (await jwtVerify(token, keySet, options)).payload;
    } catch {
      return undefined;
    }
  }
}
