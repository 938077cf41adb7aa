import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import {
  AUTH_CHANNELS,
  type AuthDecisionMessage,
  type CacheLookupMessage,
  type JwksUpdateMessage,
  type KeycloakEndpoint,
  type KeycloakRequestMessage,
} from 'nest-keycloak-auth';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { appConfig, type AppConfig } from '../config/app.config.js';
import { metricsEnabled } from './metrics.registry.js';

const STAGES = ['authentication', 'authorization', 'introspection'] as const;
const ENDPOINTS: KeycloakEndpoint[] = ['discovery', 'jwks', 'token', 'introspection', 'admin'];
const OUTCOMES = ['success', 'refused', 'error'] as const;
/** Seconds; a back-channel call is a network round trip, up to the HTTP timeout. */
const KEYCLOAK_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** One labelled series of a counter, made once and kept. */
type CounterChild = ReturnType<Counter['labels']>;

/**
 * The auth library's work as Prometheus metrics, fed by its `node:diagnostics_channel`
 * messages (AUTH_CHANNELS): decisions, Keycloak calls, cache lookups and the key set. Subscribed
 * only with metrics on (the library skips publishing while nobody listens), unsubscribed when
 * the module is destroyed. Label children are made in advance where the labels are known (an
 * accepted decision, a cache hit or miss), so the hot path looks no labels up.
 */
@Injectable()
export class AuthMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly decisions: Counter<'stage' | 'outcome' | 'reason'>;
  /** Children of the library's constant (frozen) decision messages, by the message itself. */
  private readonly constantDecisions = new Map<AuthDecisionMessage, CounterChild>();
  private readonly keycloakRequests: Counter<'endpoint' | 'outcome'>;
  private readonly keycloakDuration: Histogram<'endpoint'>;
  private readonly cacheLookups: Record<string, Record<string, CounterChild> | undefined>;
  private readonly jwksKeys: Gauge;
  private readonly jwksLastSuccess: Gauge;
  private readonly subscriptions: Array<[string, (message: unknown) => void]> = [];

  constructor(
    @Inject(Registry) registry: Registry,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {
    const registers = [registry];
    this.decisions = new Counter({
      name: 'auth_decisions_total',
      help: 'Authentication, authorization and introspection decisions, by outcome and reason code.',
      labelNames: ['stage', 'outcome', 'reason'],
      registers,
    });
    // Present (at 0) from the start, so rate() and ratios have a series before the first request.
    for (const stage of STAGES) this.decisions.labels(stage, 'accepted', 'ok').inc(0);
    this.keycloakRequests = new Counter({
      name: 'keycloak_requests_total',
      help: 'Back-channel calls to Keycloak, by endpoint and outcome (refused: a non-2xx answer; error: no answer).',
      labelNames: ['endpoint', 'outcome'],
      registers,
    });
    for (const endpoint of ENDPOINTS) {
      for (const outcome of OUTCOMES) this.keycloakRequests.labels(endpoint, outcome).inc(0);
    }
    this.keycloakDuration = new Histogram({
      name: 'keycloak_request_duration_seconds',
      help: 'Duration of back-channel calls to Keycloak, by endpoint.',
      labelNames: ['endpoint'],
      buckets: KEYCLOAK_BUCKETS,
      registers,
    });
    this.cacheLookups = {
      verified_token: cacheCounter('verified_token', 'verified-token', registers),
      introspection: cacheCounter('introspection', 'introspection answer', registers),
      authorization: cacheCounter('authorization', 'authorization decision', registers),
    };
    this.jwksKeys = new Gauge({
      name: 'jwks_keys',
      help: 'Signing keys in the last JWKS fetched from Keycloak.',
      registers,
    });
    this.jwksLastSuccess = new Gauge({
      name: 'jwks_last_success_timestamp_seconds',
      help: 'When the JWKS was last fetched successfully, in seconds since the epoch.',
      registers,
    });
  }

  onModuleInit(): void {
    if (!metricsEnabled(this.config)) return;
    this.listen(AUTH_CHANNELS.decision, (m: AuthDecisionMessage) => this.decision(m).inc());
    // A network round trip each: hashing the labels is noise next to it.
    this.listen(AUTH_CHANNELS.keycloakRequest, (m: KeycloakRequestMessage) => {
      this.keycloakRequests.labels(m.endpoint, m.outcome).inc();
      this.keycloakDuration.labels(m.endpoint).observe(m.durationSeconds);
    });
    this.listen(AUTH_CHANNELS.cacheLookup, (m: CacheLookupMessage) =>
      this.cacheLookups[m.cache]?.[m.result]?.inc(),
    );
    this.listen(AUTH_CHANNELS.jwksUpdate, (m: JwksUpdateMessage) => {
      this.jwksKeys.set(m.keys);
      this.jwksLastSuccess.set(m.fetchedAtSeconds);
    });
  }

  onModuleDestroy(): void {
    for (const [name, listener] of this.subscriptions.splice(0)) unsubscribe(name, listener);
  }

  /**
   * The child of a decision. Accepted decisions are the library's frozen constants (one per
   * stage): their child is found by the message. Refusals are new messages (each already a
   * failed request): their labels are looked up.
   */
  private decision(message: AuthDecisionMessage): CounterChild {
    let child = this.constantDecisions.get(message);
    if (child === undefined) {
      const { stage, outcome, reason } = message;
      child = this.decisions.labels(stage, outcome, reason);
      if (Object.isFrozen(message)) this.constantDecisions.set(message, child);
    }
    return child;
  }

  private listen<M>(name: string, handle: (message: M) => void): void {
    const listener = (message: unknown) => handle(message as M);
    subscribe(name, listener);
    this.subscriptions.push([name, listener]);
  }
}

/** `<cache>_cache_requests_total{result}`, counted on every request, both series made up front. */
function cacheCounter(cache: string, what: string, registers: Registry[]) {
  const counter = new Counter({
    name: `${cache}_cache_requests_total`,
    help: `Lookups in the ${what} cache, by result (hit or miss).`,
    labelNames: ['result'],
    registers,
  });
  const [hit, miss] = [counter.labels('hit'), counter.labels('miss')];
  hit.inc(0);
  miss.inc(0);
  return { hit, miss };
}
