import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/** Where the browser tests expect each piece; Keycloak's client only allows these origins. */
export const API_URL = 'http://localhost:8000';
export const SPA_URL = 'http://localhost:5173';
/** An origin that is neither in the API's CORS_ORIGINS nor a Keycloak redirect URI. */
export const FOREIGN_SPA_URL = 'http://localhost:5174';
export const KEYCLOAK_URL = 'http://localhost:8080';
export const REALM_URL = `${KEYCLOAK_URL}/realms/demo`;

const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Variables the app reads: removed from the child's environment so `.env`'s defaults apply. */
const APP_VARIABLES =
  /^(KEYCLOAK_|JWT_|JWKS_|TOKEN_CACHE_|INTROSPECTION_|CORS_ORIGINS$|PORT$|TRUST_PROXY$|SWAGGER_)/;

/** A child process of the test, stopped by its PID. */
export class ChildService {
  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {}

  /** Spawns `node <args>` from the project root and resolves once `readyLine` is printed. */
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
    await service.printed(readyLine);
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

  /** Resolves when the child prints `line`; rejects with its output if it exits first. */
  private printed(line: string): Promise<void> {
    let output = '';
    return new Promise((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes(line)) resolve();
      };
      this.child.stdout?.on('data', onData);
      this.child.stderr?.on('data', onData);
      this.child.once('exit', (code, signal) =>
        reject(
          new Error(`${this.name} exited (${code ?? signal}) before it was ready:\n${output}`),
        ),
      );
    });
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

/** The built API (`node dist/main.js`) on :8000 with `.env`'s settings; ready when it listens. */
export async function startApi(): Promise<ChildService> {
  const api = await ChildService.start(
    'API (node dist/main.js)',
    ['dist/main.js'],
    'Nest application successfully started',
  );
  const ready = await fetch(`${API_URL}/health/ready`);
  if (ready.status !== 200) {
    await api.stop();
    throw new Error(`${API_URL}/health/ready answered ${ready.status}: signing keys not loaded`);
  }
  return api;
}

/** The example SPA's static server (`examples/spa/server.mjs`) on `port`. */
export function startSpa(port: number): Promise<ChildService> {
  return ChildService.start(
    `SPA server :${port}`,
    ['examples/spa/server.mjs'],
    `SPA example on http://localhost:${port}`,
    { SPA_PORT: String(port), API_URL, KEYCLOAK_URL },
  );
}

/** Stops every started service by PID, whatever happened to the others. */
export async function stopAll(...services: (ChildService | undefined)[]): Promise<void> {
  const started = services.filter((service): service is ChildService => service !== undefined);
  await Promise.allSettled(started.map((service) => service.stop()));
}
