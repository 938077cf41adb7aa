import { HttpService } from '@nestjs/axios';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { ModulesContainer, Reflector } from '@nestjs/core';
import { AuthSettings } from '../auth-settings.js';
import { JwksService } from '../jwks/jwks.service.js';
import { KeySource } from '../jwks/key-source.js';
import { OidcDiscoveryService } from '../oidc/oidc-discovery.service.js';
import { routesNamingUnknownRealms } from './unknown-realms.js';

/** One accepted realm: its name, its endpoints and its own key set (with its own cooldown). */
export interface AcceptedRealm {
  readonly name: string;
  readonly discovery: OidcDiscoveryService;
  readonly keys: KeySource;
}

/**
 * The realms of the allow-list (`KEYCLOAK_REALMS`), home first. The home realm uses the
 * module's OidcDiscoveryService and KeySource (so `overrideProvider` still swaps them); every
 * other listed realm gets its own discovery and JWKS here, and no realm beyond the list ever
 * does: at most the listed realms' key sets are held.
 */
@Injectable()
export class RealmDirectory implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Realms');
  readonly home: AcceptedRealm;
  /** Every accepted realm, home first. */
  readonly all: readonly AcceptedRealm[];
  private readonly others: ReadonlyArray<{ discovery: OidcDiscoveryService; keys: JwksService }>;

  constructor(
    @Inject(AuthSettings) private readonly settings: AuthSettings,
    @Inject(HttpService) http: HttpService,
    @Inject(OidcDiscoveryService) discovery: OidcDiscoveryService,
    @Inject(KeySource) keys: KeySource,
    @Inject(ModulesContainer) private readonly modules: ModulesContainer,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {
    this.home = { name: settings.realm, discovery, keys };
    const others = settings.realms.slice(1).map((name) => {
      const realmSettings = settings.forRealm(name);
      const realmDiscovery = new OidcDiscoveryService(realmSettings, http);
      const realmKeys = new JwksService(realmSettings, http, realmDiscovery);
      return { name, discovery: realmDiscovery, keys: realmKeys };
    });
    this.others = others;
    this.all = Object.freeze([this.home, ...others]);
  }

  /** The accepted realm of this name, else undefined. */
  byName(name: string | undefined): AcceptedRealm | undefined {
    return this.all.find((realm) => realm.name === name);
  }

  async onModuleInit(): Promise<void> {
    await Promise.all(this.others.map(({ discovery }) => discovery.onModuleInit()));
  }

  /** Warms the other realms' keys, and warns when a `@Realms` names an unlisted realm. */
  async onApplicationBootstrap(): Promise<void> {
    for (const { route, unknown } of routesNamingUnknownRealms(
      this.modules,
      this.reflector,
      this.settings.realms,
    )) {
      // Not fatal: the route then refuses every token (403), which fails closed. A warning, as
      // an app may ship such a route for a realm one deployment does not accept.
      this.logger.warn({
        event: 'realm_not_accepted',
        route,
        realms: unknown,
        message: `@Realms on ${route} names ${unknown.join(', ')}, not in KEYCLOAK_REALMS (${this.settings.realms.join(', ')}): no token can pass it`,
      });
    }
    await Promise.all(this.others.map(({ keys }) => keys.onApplicationBootstrap()));
  }

  onModuleDestroy(): void {
    this.others.forEach(({ discovery }) => discovery.onModuleDestroy());
  }
}
