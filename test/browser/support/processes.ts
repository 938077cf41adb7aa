import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { HttpAdapterName } from '../../../src/config/app.config.js';
import { portIsFree, wildcardHost } from '../../../src/http-adapter.js';
import { LISTENING_LINE, waitForLine } from '../../support/child-app.js';

/** Where the browser tests expect each piece; Keycloak's client only allows these origins. */
export const API_URL = 'http://localhost:8000';
export const SPA_URL = 'http://localhost:5173';
/** An origin that is neither in the API's CORS_ORIGINS nor a Keycloak redirect URI. */
export const FOREIGN_SPA_URL = 'http://localhost:5174';
/** Keycloak, as the real-Keycloak suite finds it: KEYCLOAK_TEST_URL overrides the default. */
export const KEYCLOAK_URL = (process.env.KEYCLOAK_TEST_URL || 'http://localhost:8080').replace(
  /\/+$/,
  '',
);
export const REALM_URL = `${KEYCLOAK_URL}/realms/demo`;

const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Variables the app reads: removed from the child's environment so `.env`'s defaults apply. */
const APP_VARIABLES =
  /^(KEYCLOAK_|JWT_|JWKS_|TOKEN_CACHE_|INTROSPECTION_|CORS_ORIGINS$|PORT$|TRUST_PROXY$|SWAGGER_|HTTP_ADAPTER$)/;

/** A child process of the test, stopped by its PID. */
export class ChildService {
  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {}

  /**
   * Spawns `node <args>` from the project root and resolves once `readyLine` is printed. A child
   * that exits first or is not ready within 25 s is stopped, and the start rejects.
   */
  static async start(
    name: string,
    args: string[],
    readyLine: string,
    env: Record<string, string> = {},
  ): Promise<ChildService> {
    const childEnv = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !APP_VARIABLES.test(key)),
    );
    const child = spawn(process.execPath, args, {
      cwd: PROJECT_ROOT, // where .env, dist/ and examples/ are
      env: { ...childEnv, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const service = new ChildService(name, child);
    try {
      await waitForLine(child, readyLine, 25_000, name);
    } catch (error) {
      await service.stop();
      throw error;
    }
    return service;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** SIGTERM (the app closes gracefully), SIGKILL if it has not exited after 10 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

/** Fails with what to do when Keycloak's demo realm is not reachable. */
export async function requireKeycloak(): Promise<void> {
  const url = `${REALM_URL}/.well-known/openid-configuration`;
  const response = await fetch(url).catch(() => undefined);
  if (response?.ok !== true) {
    throw new Error(
      `Keycloak's realm demo is not reachable at ${url}: start it with 'bash scripts/keycloak.sh start'`,
    );
  }
}

/**
 * The built API (`node dist/main.js`) on :8000 with `.env`'s settings on the given platform
 * (`HTTP_ADAPTER`); ready when it listens and /health/ready says the realm's keys are loaded.
 * Stopped again if either check fails.
 */
export async function startApi(adapter: HttpAdapterName): Promise<ChildService> {
  await requirePortFree(Number(new URL(API_URL).port), 'the API');
  const api = await ChildService.start(
    `API on ${adapter} (node dist/main.js)`,
    ['dist/main.js'],
    LISTENING_LINE,
    // Metrics off: a developer's `npm run stack` may hold their default port (9464).
    {
      KEYCLOAK_URL,
      HTTP_ADAPTER: adapter,
      PGLITE_DATA_DIR: 'memory://',
      METRICS_PORT: '0',
      SHUTDOWN_DRAIN_MS: '0',
    },
  );
  try {
    const ready = await fetch(`${API_URL}/health/ready`);
    if (ready.status !== 200) {
      throw new Error(`${API_URL}/health/ready answered ${ready.status}: signing keys not loaded`);
    }
  } catch (error) {
    await api.stop();
    throw error;
  }
  return api;
}

/** The example SPA's static server (`examples/spa/server.mjs`) on `port`. */
export async function startSpa(port: number): Promise<ChildService> {
  await requirePortFree(port, 'the example SPA');
  return ChildService.start(
    `SPA server :${port}`,
    ['examples/spa/server.mjs'],
    `SPA example on http://localhost:${port}`,
    { SPA_PORT: String(port), API_URL, KEYCLOAK_URL },
  );
}

/**
 * Fails with one line naming the port, what the suite wanted it for and, when `ss` can tell,
 * the process holding it: often a `npm run example:spa` or an API still running.
 */
export async function requirePortFree(port: number, purpose: string): Promise<void> {
  if (await portIsFree(port, await wildcardHost())) return;
  const holder = portHolder(port);
  throw new Error(
    `port ${port}, needed for ${purpose}, is already in use${holder ? ` by ${holder}` : ''}: stop it (a running 'npm run example:spa' or API?) and run the browser suite again`,
  );
}

/** "node (pid 1234)" for the process listening on `port`, when `ss` shows it. */
function portHolder(port: number): string | undefined {
  try {
    const out = execFileSync('ss', ['-Hltnp', `sport = :${port}`], { encoding: 'utf8' });
    const match = /users:\(\("([^"]+)",pid=(\d+)/.exec(out);
    return match ? `${match[1]} (pid ${match[2]})` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts services side by side. If any start fails, the ones that did start are stopped before
 * the first failure is rethrown, so no child outlives a failed `beforeAll`.
 */
export async function startTogether(...starts: Promise<ChildService>[]): Promise<ChildService[]> {
  const results = await Promise.allSettled(starts);
  const failed = results.find((result) => result.status === 'rejected');
  if (failed === undefined) {
    return results.map((result) => (result as PromiseFulfilledResult<ChildService>).value);
  }
  await stopAll(
    ...results.map((result) => (result.status === 'fulfilled' ? result.value : undefined)),
  );
  throw failed.reason;
}

/** Stops every started service by PID, whatever happened to the others. */
export async function stopAll(...services: (ChildService | undefined)[]): Promise<void> {
  const started = services.filter((service): service is ChildService => service !== undefined);
  await Promise.allSettled(started.map((service) => service.stop()));
}
