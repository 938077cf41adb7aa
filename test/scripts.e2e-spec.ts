import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { once } from 'node:events';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createConnection, createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseEnv } from 'node:util';

// The development scripts (scripts/stack.sh, keycloak.sh, postgres.sh, redis.sh, token.mjs), run
// for real but never against a real Keycloak or PostgreSQL (redis.sh starts a real redis-server,
// which .ci/run installs): each test copies them into a temporary
// directory laid out like the repository (scripts/, keycloak/, .env), so that the scripts read
// THAT directory's .env (they read the .env next to package.json, as the app does) and the
// repository's own .env is never read or touched. Keycloak, Maven, Java, npm and PostgreSQL's
// binaries are replaced by small stubs where needed.

const REPO = process.cwd();
const SCRIPT_FILES = [
  'scripts/common.sh',
  'scripts/stack.sh',
  'scripts/keycloak.sh',
  'scripts/postgres.sh',
  'scripts/redis.sh',
  'scripts/token.mjs',
  'keycloak/keycloak.env',
  'keycloak/realm-demo.json',
  'keycloak/realm-partners.json',
];

const sandboxes: string[] = [];
afterAll(() => {
  for (const dir of sandboxes) rmSync(dir, { recursive: true, force: true });
});

interface Sandbox {
  root: string;
  home: string;
  bin: string;
  /** Runs `command args` in the sandbox with ONLY `env` (plus PATH and HOME) as environment. */
  run(command: string, args: string[], env?: Record<string, string>): SpawnSyncReturns<string>;
  write(path: string, text: string, executable?: boolean): string;
}

function sandbox(dotenv: string | undefined): Sandbox {
  const root = mkdtempSync(join(tmpdir(), 'scripts-spec-'));
  sandboxes.push(root);
  for (const file of SCRIPT_FILES) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    copyFileSync(join(REPO, file), join(root, file));
  }
  const home = join(root, 'home');
  const bin = join(root, 'bin');
  mkdirSync(home);
  mkdirSync(bin);
  const write = (path: string, text: string, executable = false): string => {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
    if (executable) chmodSync(full, 0o755);
    return full;
  };
  if (dotenv !== undefined) write('.env', dotenv);
  return {
    root,
    home,
    bin,
    write,
    run: (command, args, env = {}) =>
      spawnSync(command, args, {
        cwd: root,
        // Not process.env: a PORT or KEYCLOAK_* of the machine running the tests must not count.
        env: { PATH: `${bin}:${process.env.PATH}`, HOME: home, ...env },
        encoding: 'utf8',
        timeout: 60_000,
      }),
  };
}

/** The REDIS_URL and DATABASE_URL that the stubbed redis.sh and postgres.sh print on start. */
const STUB_REDIS_URL = 'redis://127.0.0.1:6399';
const STUB_DATABASE_URL = 'postgres://stub:stub@127.0.0.1:5999/nest_api';

/**
 * A sandbox for stack.sh, with stubs: keycloak.sh, redis.sh and postgres.sh record their calls
 * (keycloak.sh also the back-channel URL it was given), redis-server is "installed", npm does
 * nothing, and dist/main.js reports the configuration the app would see (with STUB_STAY set it
 * stays up, and exits 3 after a second if its PORT is STUB_EXIT_PORT). So no stack.sh run in
 * these tests can start Keycloak, Redis, PostgreSQL or a build, even one that ignored `config`.
 */
function stubbedStack(dotenv: string | undefined): Sandbox {
  const box = sandbox(dotenv);
  box.write(
    'scripts/keycloak.sh',
    [
      '#!/usr/bin/env bash',
      'echo "$1" >>"$(dirname "$0")/../keycloak-calls"',
      '[[ "$1" != start ]] || echo "$API_BACKCHANNEL_LOGOUT_URL" >"$(dirname "$0")/../keycloak-backchannel-url"',
      '[[ "$1" != status ]] || exit 3',
      '',
    ].join('\n'),
    true,
  );
  for (const [name, line] of [
    ['redis', `REDIS_URL=${STUB_REDIS_URL}`],
    ['postgres', `DATABASE_URL=${STUB_DATABASE_URL}`],
  ]) {
    box.write(
      `scripts/${name}.sh`,
      `#!/usr/bin/env bash\necho "$1" >>"$(dirname "$0")/../${name}-calls"\n[[ "$1" != start ]] || echo '${line}'\n`,
      true,
    );
  }
  box.write('bin/redis-server', '#!/bin/sh\nexit 1\n', true);
  box.write('bin/npm', '#!/bin/sh\nexit 0\n', true);
  // No Docker engine (the compose test installs its own docker): the local path, stubbed.
  box.write('bin/docker', '#!/bin/sh\nexit 1\n', true);
  // What the app does first (src/main.ts): load .env, real variables winning; then say what it got.
  box.write(
    'dist/main.js',
    `if (require('node:fs').existsSync('.env')) process.loadEnvFile('.env');
     const names = ['KEYCLOAK_URL', 'KEYCLOAK_REALM', 'KEYCLOAK_CLIENT_ID', 'KEYCLOAK_CLIENT_SECRET', 'PORT', 'SEED_DEMO_ITEMS',
       'BACKCHANNEL_LOGOUT_AUDIENCES', 'REDIS_URL', 'DATABASE_URL', 'METRICS_PORT'];
     const env = Object.fromEntries(names.map((n) => [n, process.env[n]]));
     console.log('APP ' + JSON.stringify({ ...env, ...(process.env.STUB_STAY ? { pid: process.pid } : {}) }));
     if (process.env.STUB_STAY) setInterval(() => {}, 1000);
     if (process.env.STUB_EXIT_PORT && process.env.STUB_EXIT_PORT === process.env.PORT) setTimeout(() => process.exit(3), 1000);`,
  );
  // The build (only when the sources changed) says it ran.
  box.write('scripts/build-if-stale.sh', 'echo BUILD\n', true);
  return box;
}
function appConfig(result: SpawnSyncReturns<string>): Record<string, string> {
  const line = result.stdout.split('\n').find((l) => l.startsWith('APP '));
  expect({ line, status: result.status, stderr: result.stderr }).toMatchObject({ status: 0 });
  return JSON.parse(line!.slice(4)) as Record<string, string>;
}
/** The calls a stub recorded (`keycloak`, `redis`, `postgres`), '' when none. */
function calls(box: Sandbox, stub: string): string {
  const file = join(box.root, `${stub}-calls`);
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

/** `bash scripts/stack.sh config` -> its NAME=value lines and where each value came from. */
function stackConfig(box: Sandbox, env: Record<string, string> = {}) {
  const result = box.run('bash', ['scripts/stack.sh', 'config'], env);
  expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
  const values: Record<string, string> = {};
  const source: Record<string, string> = {};
  for (const line of result.stdout.split('\n')) {
    const origin = /^# (from the environment|from \.env|defaults):(.*)$/.exec(line);
    if (origin) {
      for (const name of origin[2].trim().split(/\s+/))
        if (name !== '(none)') source[name] = origin[1];
    } else if (line && !line.startsWith('#')) {
      const eq = line.indexOf('=');
      values[line.slice(0, eq)] = line.slice(eq + 1);
    }
  }
  return { values, source, stdout: result.stdout };
}

const DOTENV = [
  '# the scripts must read this file, not the repository one',
  'KEYCLOAK_URL=http://kc.from-dotenv.example:9090',
  'KEYCLOAK_REALM=dotenv-realm',
  'KEYCLOAK_CLIENT_SECRET=secret-from-dotenv-D0TE',
  'PORT=8123',
  'KEYCLOAK_PORT=9090',
  '',
].join('\n');

/**
 * The process has ended: it is gone, or a zombie waiting for a parent that may never reap it (a
 * server started in its own session belongs to init, which here need not reap at once).
 */
function ended(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
  return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
}

async function listen(): Promise<Server> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

async function freePort(): Promise<number> {
  const server = await listen();
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

const hasSs = spawnSync('sh', ['-c', 'command -v ss || command -v lsof']).status === 0;

describe('scripts/stack.sh config: real variable > .env > default', () => {
  it('uses a value from .env when no real variable sets it', () => {
    const { values, source } = stackConfig(stubbedStack(DOTENV));
    expect(values).toMatchObject({
      KEYCLOAK_URL: 'http://kc.from-dotenv.example:9090',
      KEYCLOAK_REALM: 'dotenv-realm',
      PORT: '8123',
      KEYCLOAK_PORT: '9090',
    });
    // The secret is masked but for its last 4 characters.
    expect(values.KEYCLOAK_CLIENT_SECRET).toBe(`${'*'.repeat(19)}D0TE`);
    expect(source).toMatchObject({
      KEYCLOAK_URL: 'from .env',
      KEYCLOAK_CLIENT_SECRET: 'from .env',
      PORT: 'from .env',
    });
  });

  it('lets a real environment variable beat .env', () => {
    const { values, source } = stackConfig(stubbedStack(DOTENV), {
      PORT: '9001',
      KEYCLOAK_CLIENT_SECRET: 'real-secret-REAL',
      KEYCLOAK_REALM: 'real-realm',
    });
    expect(values).toMatchObject({ PORT: '9001', KEYCLOAK_REALM: 'real-realm' });
    expect(values.KEYCLOAK_CLIENT_SECRET).toMatch(/^\*+REAL$/);
    expect(source).toMatchObject({ PORT: 'from the environment', KEYCLOAK_URL: 'from .env' });
  });

  it('applies the default when neither the environment nor .env sets a variable', () => {
    const { values, source } = stackConfig(stubbedStack('# nothing set here\n'));
    expect(values).toEqual({
      KEYCLOAK_URL: 'http://localhost:8080',
      KEYCLOAK_REALM: 'demo',
      KEYCLOAK_REALMS: 'demo,partners',
      KEYCLOAK_CLIENT_ID: 'nest-api',
      KEYCLOAK_CLIENT_SECRET: `${'*'.repeat(15)}cret`, // nest-api-dev-secret
      PORT: '8000',
      BACKCHANNEL_LOGOUT_AUDIENCES: 'nest-api-web',
      KEYCLOAK_PORT: '8080',
      KEYCLOAK_VERSION: parseEnv(readFileSync('keycloak/keycloak.env', 'utf8')).KEYCLOAK_VERSION,
      KC_BOOTSTRAP_ADMIN_USERNAME: 'admin',
      KC_BOOTSTRAP_ADMIN_PASSWORD: '*****',
      STACK_MODE: 'auto',
      API_REPLICAS: '1',
      API_BACKCHANNEL_LOGOUT_URL: 'http://localhost:8000/auth/backchannel-logout',
      REDIS_URL: '',
      DATABASE_URL: '',
    });
    expect(source.PORT).toBe('defaults');
    // Without any .env file at all, too; and the default URL follows KEYCLOAK_PORT.
    expect(
      stackConfig(stubbedStack(undefined), { KEYCLOAK_PORT: '8181' }).values.KEYCLOAK_URL,
    ).toBe('http://localhost:8181');
  });

  it('accepts both imported realms by default, and only the configured one otherwise', () => {
    expect(stackConfig(stubbedStack('# nothing set here\n')).values.KEYCLOAK_REALMS).toBe(
      'demo,partners',
    );
    expect(stackConfig(stubbedStack(DOTENV)).values.KEYCLOAK_REALMS).toBe('dotenv-realm');
  });

  it('counts an empty real variable as unset, so .env applies', () => {
    expect(stackConfig(stubbedStack(DOTENV), { PORT: '' }).values.PORT).toBe('8123');
  });

  it('reads .env the way Node does (quotes, export, comments, the last line wins)', () => {
    const text = [
      'export KEYCLOAK_REALM="realm with spaces"',
      "KEYCLOAK_CLIENT_ID='quoted-id' # a comment",
      'KEYCLOAK_URL=http://kc.example:9090/base # a comment',
      '  PORT = 8124  ',
      'KC_BOOTSTRAP_ADMIN_USERNAME=first',
      'KC_BOOTSTRAP_ADMIN_USERNAME=second',
      '',
    ].join('\n');
    const node = parseEnv(text);
    const { values } = stackConfig(stubbedStack(text));
    for (const name of [
      'KEYCLOAK_REALM',
      'KEYCLOAK_CLIENT_ID',
      'KEYCLOAK_URL',
      'PORT',
      'KC_BOOTSTRAP_ADMIN_USERNAME',
    ]) {
      expect([name, values[name]]).toEqual([name, node[name]]);
    }
  });
});

describe('scripts/stack.sh (local mode, Keycloak and npm stubbed)', () => {
  it('hands the app the .env values (the issue: a wrong secret in .env had no effect)', async () => {
    const port = await freePort();
    const box = stubbedStack(
      `KEYCLOAK_CLIENT_SECRET=wrong-from-dotenv\nKEYCLOAK_REALM=dotenv-realm\nPORT=${port}\n`,
    );
    const result = box.run('bash', ['scripts/stack.sh'], { STACK_MODE: 'local' });
    const app = appConfig(result);
    // Built (when stale) before the app starts, which seeds an empty database itself.
    expect(result.stdout.indexOf('BUILD\n')).toBeGreaterThanOrEqual(0);
    expect(result.stdout.indexOf('BUILD\n')).toBeLessThan(result.stdout.indexOf('APP '));
    expect(app).toEqual({
      SEED_DEMO_ITEMS: 'true',
      KEYCLOAK_URL: 'http://localhost:8080', // the stack's default: neither sets it
      KEYCLOAK_REALM: 'dotenv-realm',
      KEYCLOAK_CLIENT_ID: 'nest-api',
      KEYCLOAK_CLIENT_SECRET: 'wrong-from-dotenv',
      PORT: String(port),
      BACKCHANNEL_LOGOUT_AUDIENCES: 'nest-api-web',
      REDIS_URL: STUB_REDIS_URL, // redis-server is "installed": scripts/redis.sh started one
    });
    expect(calls(box, 'keycloak')).toBe('status\nstart\nstop\n');
    expect(calls(box, 'redis')).toBe('start\nstop\n');
    // One API keeps its embedded database: no PostgreSQL.
    expect(calls(box, 'postgres')).toBe('');
    // Keycloak posts the demo realm's back-channel logouts to this API.
    expect(readFileSync(join(box.root, 'keycloak-backchannel-url'), 'utf8')).toBe(
      `http://localhost:${port}/auth/backchannel-logout\n`,
    );
  });

  it('hands the app a real variable over .env', async () => {
    const port = await freePort();
    const box = stubbedStack('KEYCLOAK_CLIENT_SECRET=wrong-from-dotenv\nPORT=1\n');
    const app = appConfig(
      box.run('bash', ['scripts/stack.sh'], {
        STACK_MODE: 'local',
        KEYCLOAK_CLIENT_SECRET: 'real-secret',
        PORT: String(port),
      }),
    );
    expect(app).toMatchObject({ KEYCLOAK_CLIENT_SECRET: 'real-secret', PORT: String(port) });
  });

  it('stops before Keycloak and the build when the API port is taken, naming port and holder', async () => {
    const server = await listen();
    try {
      const { port } = server.address() as AddressInfo;
      const box = stubbedStack('');
      const result = box.run('bash', ['scripts/stack.sh'], {
        STACK_MODE: 'local',
        PORT: String(port),
      });
      expect(result.status).toBe(1);
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        new RegExp(`^\\[stack\\] ERROR: port ${port} \\(PORT\\) is already in use by .*set PORT`),
      );
      // ss (or lsof) names this test's own process as the holder.
      if (hasSs) expect(lines[0]).toContain(`(pid ${process.pid})`);
      expect(existsSync(join(box.root, 'keycloak-calls'))).toBe(false);
      expect(calls(box, 'redis')).toBe('');
    } finally {
      server.close();
    }
  });

  it('says what to install when Docker lacks the compose v2 plugin', async () => {
    const box = stubbedStack(`PORT=${await freePort()}\n`);
    // A docker CLI without the plugin answers `docker compose ...` with "unknown command".
    box.write(
      'bin/docker',
      '#!/bin/sh\n[ "$1" = compose ] && { echo "docker: unknown command: docker compose" >&2; exit 1; }\nexit 0\n',
      true,
    );
    const forced = box.run('bash', ['scripts/stack.sh'], { STACK_MODE: 'docker' });
    expect(forced.status).toBe(1);
    expect(forced.stderr).toMatch(
      /^\[stack\] ERROR: Docker is installed but its compose v2 plugin is not \(`docker compose version` failed\)\. Install it: .*docker-compose-plugin/,
    );
    expect(forced.stderr.trim().split('\n')).toHaveLength(1);
    // Auto mode with a working engine but no plugin: a note, then the local mode.
    const auto = box.run('bash', ['scripts/stack.sh']);
    expect(auto.status).toBe(0);
    expect(auto.stderr).toMatch(/NOTE: Docker is installed but its compose v2 plugin is not/);
    expect(readFileSync(join(box.root, 'keycloak-calls'), 'utf8')).toContain('start');
  });
  it('docker mode: hands compose .env after keycloak.env, and checks the port first', async () => {
    const server = await listen();
    try {
      const { port } = server.address() as AddressInfo;
      const box = stubbedStack(`PORT=${port}\n`);
      // A docker with the compose plugin; `ps` reports a running api container when told to.
      box.write(
        'bin/docker',
        [
          '#!/bin/sh',
          'case "$*" in',
          '  "compose version") exit 0 ;;',
          '  *" ps "*) [ -n "$OWN_API" ] && echo 0123456789ab; exit 0 ;;',
          '  compose*) echo "DOCKER $*"; exit 0 ;;',
          'esac',
          'exit 0',
          '',
        ].join('\n'),
        true,
      );
      // Port held by something else: refused before any build.
      const busy = box.run('bash', ['scripts/stack.sh'], { STACK_MODE: 'docker' });
      expect(busy.status).toBe(1);
      expect(busy.stderr).toMatch(new RegExp(`ERROR: port ${port} \\(PORT\\) is already in use`));
      expect(busy.stdout).not.toContain('DOCKER');
      // Held by this project's own api container: compose takes over, as it always did.
      const own = box.run('bash', ['scripts/stack.sh'], { STACK_MODE: 'docker', OWN_API: '1' });
      expect(own.status).toBe(0);
      expect(own.stdout).toContain(
        `DOCKER compose --env-file keycloak/keycloak.env --env-file ${box.root}/.env up --build\n`,
      );
    } finally {
      server.close();
    }
  });
});

/** A port such that it and the `count - 1` after it are free now. */
async function freeRun(count: number): Promise<number> {
  for (;;) {
    const first = await freePort();
    const held: Server[] = [];
    try {
      for (let port = first + 1; port < first + count; port++) {
        const server = createServer();
        held.push(server);
        server.listen(port, '127.0.0.1');
        await once(server, 'listening');
      }
      return first;
    } catch {
      // one of them is taken: another run
    } finally {
      await Promise.all(held.map((server) => new Promise((done) => server.close(done))));
    }
  }
}

describe('scripts/stack.sh: shared state and API_REPLICAS (local mode, stubbed)', () => {
  it('hands the app a REDIS_URL from .env as is, starting no Redis', async () => {
    const box = stubbedStack(
      `PORT=${await freePort()}\nREDIS_URL=rediss://:pw@cache.example:6380\n`,
    );
    const app = appConfig(box.run('bash', ['scripts/stack.sh'], { STACK_MODE: 'local' }));
    expect(app.REDIS_URL).toBe('rediss://:pw@cache.example:6380');
    expect(calls(box, 'redis')).toBe('');
    // config masks its password.
    expect(stackConfig(box).values.REDIS_URL).toBe('rediss://:**@cache.example:6380');
  });

  it('says in one line that state is per process when there is no redis-server and no REDIS_URL', async () => {
    const box = stubbedStack(`PORT=${await freePort()}\n`);
    const result = box.run('bash', ['scripts/stack.sh'], {
      STACK_MODE: 'local',
      REDIS_SERVER: '/nonexistent/redis-server',
    });
    expect(appConfig(result).REDIS_URL).toBeUndefined();
    const notes = result.stderr.split('\n').filter((line) => line.includes('redis'));
    expect(notes).toEqual([
      '[stack] NOTE: no REDIS_URL and no redis-server: each API process keeps its own state (logouts, caches); for shared state install redis-server (apt-get install redis-server) or set REDIS_URL',
    ]);
    expect(calls(box, 'redis')).toBe('');
  });

  it.each(['0', '10', 'three', '2x'])(
    'refuses API_REPLICAS=%s in one line, starting nothing',
    (n) => {
      const box = stubbedStack('');
      const result = box.run('bash', ['scripts/stack.sh'], {
        STACK_MODE: 'local',
        API_REPLICAS: n,
      });
      expect({ status: result.status, stderr: result.stderr }).toEqual({
        status: 1,
        stderr: `[stack] ERROR: API_REPLICAS must be a whole number from 1 to 9 (got ${n})\n`,
      });
      expect(calls(box, 'keycloak') + calls(box, 'redis') + calls(box, 'postgres')).toBe('');
    },
  );

  it('API_REPLICAS=3: three APIs on consecutive ports sharing Redis and PostgreSQL; one exiting stops all', async () => {
    const port = await freeRun(3);
    const metrics = await freeRun(3);
    const box = stubbedStack(`PORT=${port}\nMETRICS_PORT=${metrics}\n`);
    const result = box.run('bash', ['scripts/stack.sh'], {
      STACK_MODE: 'local',
      API_REPLICAS: '3',
      STUB_STAY: '1',
      STUB_EXIT_PORT: String(port + 1),
    });
    // Each replica's lines carry its port.
    const apps = result.stdout
      .split('\n')
      .map((line) => /^\[api:(\d+)\] APP (.*)$/.exec(line))
      .filter((match) => match !== null)
      .map((match) => ({
        prefix: Number(match[1]),
        app: JSON.parse(match[2]) as Record<string, string>,
      }))
      .sort((a, b) => a.prefix - b.prefix);
    expect(apps.map(({ prefix, app }) => [prefix, app.PORT, app.METRICS_PORT])).toEqual(
      [0, 1, 2].map((i) => [port + i, String(port + i), String(metrics + i)]),
    );
    for (const { app } of apps) {
      expect(app).toMatchObject({
        REDIS_URL: STUB_REDIS_URL,
        DATABASE_URL: STUB_DATABASE_URL,
        SEED_DEMO_ITEMS: 'true',
        BACKCHANNEL_LOGOUT_AUDIENCES: 'nest-api-web',
      });
    }
    // One status line per replica.
    for (const i of [0, 1, 2]) {
      expect(result.stdout).toContain(
        `  API replica ${i + 1}           http://localhost:${port + i}   (metrics http://localhost:${metrics + i}/metrics)\n`,
      );
    }
    // The one on port + 1 exited 3: the stack stopped the others and everything it started.
    expect(result.status).toBe(3);
    expect(result.stderr).toContain(
      `[stack] the API replica on port ${port + 1} exited (status 3): stopping the others\n`,
    );
    for (const { app } of apps) expect(ended(Number(app.pid))).toBe(true);
    expect(calls(box, 'redis')).toBe('start\nstop\n');
    expect(calls(box, 'postgres')).toBe('start\nstop\n');
    expect(calls(box, 'keycloak')).toBe('status\nstart\nstop\n');
    expect(readFileSync(join(box.root, 'keycloak-backchannel-url'), 'utf8')).toBe(
      `http://localhost:${port}/auth/backchannel-logout\n`,
    );
  }, 30_000);

  it('API_REPLICAS=2 with DATABASE_URL: both use it, no PostgreSQL is started', async () => {
    const port = await freeRun(2);
    const box = stubbedStack(`PORT=${port}\nMETRICS_PORT=0\n`);
    const result = box.run('bash', ['scripts/stack.sh'], {
      STACK_MODE: 'local',
      API_REPLICAS: '2',
      DATABASE_URL: 'postgres://mine@db.example/items',
    });
    const apps = result.stdout.split('\n').filter((line) => / APP /.test(line));
    expect(apps).toHaveLength(2);
    for (const line of apps) {
      expect(line).toContain('"DATABASE_URL":"postgres://mine@db.example/items"');
      expect(line).toContain('"METRICS_PORT":"0"');
    }
    // Stub replicas that exit at once (status 0) are still a replica gone: non-zero.
    expect(result.status).toBe(1);
    expect(calls(box, 'postgres')).toBe('');
  }, 30_000);
});

describe('scripts/redis.sh (a real redis-server)', () => {
  const script = 'scripts/redis.sh';
  /** .ci/run installs it (`bash scripts/redis.sh install`) before npm test: its absence is a failure. */
  function requireRedisServer(): void {
    if (spawnSync('sh', ['-c', 'command -v redis-server']).status !== 0) {
      throw new Error(
        'redis-server is not installed: run `bash scripts/redis.sh install` (as root; .ci/run does) or `sudo apt-get install redis-server`',
      );
    }
  }
  /** One command in Redis' inline protocol, over a plain socket; resolves with the first line. */
  async function ask(url: string, command: string): Promise<string> {
    const { hostname, port } = new URL(url);
    const socket = createConnection(Number(port), hostname);
    try {
      socket.write(`${command}\r\n`);
      const [chunk] = (await once(socket, 'data')) as [Buffer];
      return chunk.toString().split('\r\n')[0];
    } finally {
      socket.destroy();
    }
  }
  const started: Sandbox[] = [];
  afterAll(() => {
    for (const box of started) box.run('bash', [script, 'stop']);
  });

  it('start prints REDIS_URL on stdout and the server answers PING there; stop ends it', async () => {
    requireRedisServer();
    const box = sandbox(undefined);
    started.push(box);
    const start = box.run('bash', [script, 'start']);
    expect({ status: start.status, stderr: start.stderr }).toMatchObject({ status: 0 });
    expect(start.stdout).toMatch(/^REDIS_URL=redis:\/\/127\.0\.0\.1:\d+\n$/);
    const url = start.stdout.trim().slice('REDIS_URL='.length);
    expect(await ask(url, 'PING')).toBe('+PONG');
    // No persistence.
    expect(await ask(url, 'CONFIG GET save')).toBe('*2');
    expect(box.run('bash', [script, 'status']).status).toBe(0);
    expect(box.run('bash', [script, 'url']).stdout).toBe(start.stdout);
    const pid = Number(readFileSync(join(box.root, '.cache/redis/redis.pid'), 'utf8'));
    const stop = box.run('bash', [script, 'stop']);
    expect({ status: stop.status, stderr: stop.stderr }).toEqual({
      status: 0,
      stderr: '[redis] stopped\n',
    });
    expect(ended(pid)).toBe(true);
    await expect(ask(url, 'PING')).rejects.toThrow(/ECONNREFUSED/);
    expect(box.run('bash', [script, 'status']).status).toBe(3);
  });

  it('stop with nothing running exits 0', () => {
    const result = sandbox(undefined).run('bash', [script, 'stop']);
    expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({
      status: 0,
      stdout: '',
      stderr: '[redis] not running (no PID file)\n',
    });
  });

  it('start refuses a taken REDIS_PORT (from .env) in one line naming it', async () => {
    requireRedisServer();
    const server = await listen();
    try {
      const { port } = server.address() as AddressInfo;
      const result = sandbox(`REDIS_PORT=${port}\n`).run('bash', [script, 'start']);
      expect({ status: result.status, stdout: result.stdout }).toEqual({ status: 1, stdout: '' });
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        new RegExp(
          `^\\[redis\\] ERROR: port ${port} \\(REDIS_PORT\\) is already in use by .*set REDIS_PORT`,
        ),
      );
    } finally {
      server.close();
    }
  });
});

describe('scripts/keycloak.sh (no Keycloak started)', () => {
  it('reads .env, and a real variable beats it (status names the cache dir in use)', () => {
    const box = sandbox('KEYCLOAK_CACHE_DIR=/tmp/from-dotenv-cache\n');
    const fromDotenv = box.run('bash', ['scripts/keycloak.sh', 'status']);
    expect(fromDotenv.status).toBe(3);
    expect(fromDotenv.stdout).toContain('/tmp/from-dotenv-cache/keycloak.pid');
    const fromEnv = box.run('bash', ['scripts/keycloak.sh', 'status'], {
      KEYCLOAK_CACHE_DIR: '/tmp/real-cache',
    });
    expect(fromEnv.stdout).toContain('/tmp/real-cache/keycloak.pid');
    const byDefault = sandbox(undefined).run('bash', ['scripts/keycloak.sh', 'status']);
    expect(byDefault.stdout).toMatch(/\/\.cache\/keycloak\/keycloak\.pid/);
  });

  /** A fake download: a cache dir and a Maven repository with the artifact, sizes in MB. */
  function fakeDownloads(box: Sandbox): { cache: string; maven: string } {
    const mb = (n: number) => Buffer.alloc(n * 1024 * 1024, 1);
    const cache = join(box.root, 'kc-cache');
    const maven = join(box.home, '.m2/repository/org/keycloak/keycloak-quarkus-dist');
    box.write('kc-cache/keycloak-26.7.3/lib/big.jar', '');
    writeFileSync(join(cache, 'keycloak-26.7.3/lib/big.jar'), mb(3));
    writeFileSync(join(cache, 'keycloak-quarkus-dist-26.7.3.zip'), mb(2));
    box.write('kc-cache/snapshots/abc/h2/db.mv.db', 'x');
    box.write('kc-cache/keycloak.log', 'log');
    box.write('kc-cache/unrelated.txt', 'not ours: must stay');
    mkdirSync(join(maven, '26.7.3'), { recursive: true });
    writeFileSync(join(maven, '26.7.3/keycloak-quarkus-dist-26.7.3.zip'), mb(2));
    box.write('home/.m2/repository/org/keycloak/keycloak-core/1/core.jar', 'must stay');
    return { cache, maven };
  }

  it('clean removes the distribution from the cache dir and from ~/.m2, and says how much', () => {
    const box = sandbox('');
    const { cache, maven } = fakeDownloads(box);
    const result = box.run('bash', ['scripts/keycloak.sh', 'clean'], { KEYCLOAK_CACHE_DIR: cache });
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(new RegExp(`removed 5 MB from ${cache} `));
    expect(result.stderr).toMatch(new RegExp(`removed 2 MB from ${maven} `));
    expect(result.stderr).toMatch(/freed 7 MB in total/);
    expect(existsSync(join(cache, 'keycloak-26.7.3'))).toBe(false);
    expect(existsSync(join(cache, 'keycloak-quarkus-dist-26.7.3.zip'))).toBe(false);
    expect(existsSync(join(cache, 'snapshots'))).toBe(false);
    expect(existsSync(maven)).toBe(false);
    // Only what the script and Maven put there.
    expect(existsSync(join(cache, 'unrelated.txt'))).toBe(true);
    expect(existsSync(join(box.home, '.m2/repository/org/keycloak/keycloak-core'))).toBe(true);
  });

  it('clean refuses while the Keycloak it started is running', () => {
    const box = sandbox('');
    const { cache } = fakeDownloads(box);
    // A process whose command line names the distribution, as kc.sh's does, recorded as ours
    // (`; :` keeps bash from exec'ing sleep, so its own command line stays).
    const fake = spawn('bash', ['-c', 'sleep 60; :', join(cache, 'keycloak-26.7.3/bin/kc.sh')], {
      stdio: 'ignore',
    });
    try {
      writeFileSync(join(cache, 'keycloak.pid'), String(fake.pid));
      const result = box.run('bash', ['scripts/keycloak.sh', 'clean'], {
        KEYCLOAK_CACHE_DIR: cache,
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(
        `[keycloak] ERROR: Keycloak is running (pid ${fake.pid}); run scripts/keycloak.sh stop first\n`,
      );
      expect(existsSync(join(cache, 'keycloak-26.7.3'))).toBe(true);
    } finally {
      fake.kill();
    }
  });

  it('reports progress during a slow download, and names the failure', async () => {
    const box = sandbox(`KEYCLOAK_PORT=${await freePort()}\n`);
    // A Maven that takes 3 s and then fails: long enough for progress lines every second.
    box.write('bin/mvn', '#!/bin/sh\necho "fake maven: no network"\nsleep 3\nexit 1\n', true);
    const result = box.run('bash', ['scripts/keycloak.sh', 'start'], {
      KEYCLOAK_CACHE_DIR: join(box.root, 'kc-cache'),
      KEYCLOAK_PROGRESS_SECONDS: '1',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /\[keycloak\] downloading org\.keycloak:keycloak-quarkus-dist:.*\n/,
    );
    expect(result.stderr).toMatch(/\[keycloak\] downloading\.\.\. [1-3]s, resolving \(log: /);
    expect(result.stderr).toContain('fake maven: no network'); // the tail of Maven's log
    expect(result.stderr).toMatch(
      /\[keycloak\] ERROR: Maven download of keycloak-quarkus-dist \S+ failed after [3-5]s \(full output: .*maven\.log\)\n$/,
    );
  }, 30_000);

  it('reports progress during the boot, and stops a Keycloak that is not ready in time', async () => {
    const port = await freePort();
    const box = sandbox(
      '# the settings come from the environment below: a script ignoring .env must not wait 180 s\n',
    );
    const cache = join(box.root, 'kc-cache');
    const version = parseEnv(readFileSync('keycloak/keycloak.env', 'utf8')).KEYCLOAK_VERSION!;
    // An unpacked "distribution" whose kc.sh never answers, and a "JDK" that says it is 21.
    box.write(`kc-cache/keycloak-${version}/.unpacked`, '');
    box.write(
      `kc-cache/keycloak-${version}/bin/kc.sh`,
      '#!/usr/bin/env bash\necho "INFO  [org.example] (main) fake boot step"\nsleep 120\n',
      true,
    );
    box.write('jdk/bin/java', '#!/bin/sh\necho \'openjdk version "21.0.1"\' >&2\n', true);
    const leftovers = () =>
      spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
        .stdout.split('\n')
        .filter((line) => line.includes(cache) && !line.includes('ps -eo'));
    let result: SpawnSyncReturns<string>;
    let left: string[];
    try {
      result = box.run('bash', ['scripts/keycloak.sh', 'start'], {
        KEYCLOAK_CACHE_DIR: cache,
        KEYCLOAK_JAVA_HOME: join(box.root, 'jdk'),
        KEYCLOAK_PORT: String(port),
        KEYCLOAK_START_TIMEOUT: '3',
        KEYCLOAK_PROGRESS_SECONDS: '1',
      });
      left = leftovers();
    } finally {
      // Whatever happened, nothing of the fake distribution may outlive the test: kc.sh runs in
      // its own process group (setsid), so signal the group (its sleep too).
      for (const line of leftovers()) {
        const pid = Number(line.trim().split(/\s+/)[0]);
        try {
          process.kill(-pid);
        } catch {
          try {
            process.kill(pid);
          } catch {
            // gone meanwhile
          }
        }
      }
    }
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /\[keycloak\] waiting for realm demo: [1-3]s \(at most 3s\): Java and Keycloak booting\n/,
    );
    expect(result.stderr).toMatch(
      /\[keycloak\] ERROR: Keycloak not ready after 3s \(KEYCLOAK_START_TIMEOUT\): http:\/\/127\.0\.0\.1:\d+\/realms\/demo\/\.well-known\/openid-configuration did not answer;/,
    );
    expect(result.stderr).toMatch(/\[keycloak\] stopped\n$/);
    // The script stopped what it started: nothing was left for the finally block to kill.
    expect(left).toEqual([]);
  }, 60_000);
});

describe('scripts/token.mjs: real variable > .env > default', () => {
  /** token.mjs's error names the token URL, i.e. KEYCLOAK_URL and KEYCLOAK_REALM in use. */
  async function tokenUrl(dotenv: string | undefined, env: Record<string, string> = {}) {
    const port = await freePort(); // nothing listens there: the script fails at once, naming the URL
    const box = sandbox(dotenv?.replaceAll('PORT_HERE', String(port)));
    const result = box.run(process.execPath, ['scripts/token.mjs', 'alice'], {
      ...env,
      ...(env.KEYCLOAK_URL === 'PORT_HERE' ? { KEYCLOAK_URL: `http://127.0.0.1:${port}` } : {}),
    });
    expect(result.status).toBe(1);
    return /cannot reach (\S+):/.exec(result.stderr)?.[1];
  }

  it('uses .env, lets a real variable win, and falls back to the default', async () => {
    const dotenv = 'KEYCLOAK_URL=http://127.0.0.1:PORT_HERE\nKEYCLOAK_REALM=dotenv-realm\n';
    expect(await tokenUrl(dotenv)).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/realms\/dotenv-realm\/protocol\/openid-connect\/token$/,
    );
    expect(await tokenUrl(dotenv, { KEYCLOAK_REALM: 'real-realm' })).toMatch(
      /\/realms\/real-realm\//,
    );
    // No KEYCLOAK_REALM anywhere: the default realm.
    expect(await tokenUrl(undefined, { KEYCLOAK_URL: 'PORT_HERE' })).toMatch(/\/realms\/demo\//);
  });
});

describe('scripts/token.mjs --scope', () => {
  /** Runs token.mjs against a loopback token endpoint; returns its exit, stdout and the form. */
  async function requestToken(args: string[]) {
    let form: URLSearchParams | undefined;
    const server = createHttpServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        form = new URLSearchParams(body);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ access_token: 'token-from-stub' }));
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const box = sandbox(undefined);
      const child = spawn(process.execPath, ['scripts/token.mjs', ...args], {
        cwd: box.root,
        env: { PATH: process.env.PATH, HOME: box.home, KEYCLOAK_URL: `http://127.0.0.1:${port}` },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const [status] = (await once(child, 'exit')) as [number];
      return { status, stdout, stderr, form };
    } finally {
      server.close();
    }
  }

  it('asks for openid plus the given scopes and prints only the token', async () => {
    const result = await requestToken(['alice', '--scope', 'organization:*']);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('token-from-stub\n');
    expect(result.form?.get('scope')).toBe('openid organization:*');
    expect(result.form?.get('username')).toBe('alice');
  });

  it('asks for openid alone without --scope', async () => {
    const result = await requestToken(['alice']);
    expect(result.form?.get('scope')).toBe('openid');
  });

  it('refuses a scope Keycloak could not take, before any request', async () => {
    const result = await requestToken(['alice', '--scope', 'bad"scope']);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('token: invalid scope "bad\\"scope"\n');
    expect(result.form).toBeUndefined();
  });
});

describe('scripts/postgres.sh (no PostgreSQL started)', () => {
  const script = 'scripts/postgres.sh';

  it('url and status say it is not running (exit 3); stop has nothing to do', () => {
    const box = sandbox(undefined);
    const url = box.run('bash', [script, 'url']);
    expect({ status: url.status, stdout: url.stdout, stderr: url.stderr }).toEqual({
      status: 3,
      stdout: '',
      stderr:
        '[postgres] ERROR: PostgreSQL is not running; start it with: bash scripts/postgres.sh start\n',
    });
    const status = box.run('bash', [script, 'status']);
    expect(status.status).toBe(3);
    expect(status.stdout).toContain(join(box.root, '.cache/postgres/postgres.pid'));
    const stop = box.run('bash', [script, 'stop']);
    expect({ status: stop.status, stderr: stop.stderr }).toEqual({
      status: 0,
      stderr: '[postgres] not running (no PID file)\n',
    });
  });

  it('start refuses a taken POSTGRES_PORT (from .env) in one line naming it, before initdb', async () => {
    const server = await listen();
    try {
      const { port } = server.address() as AddressInfo;
      const box = sandbox(`POSTGRES_PORT=${port}\n`);
      // A server install whose initdb would leave a trace: it must not run.
      box.write('pg/initdb', '#!/bin/sh\ntouch "$(dirname "$0")/../initdb-ran"\n', true);
      const result = box.run('bash', [script, 'start'], { POSTGRES_BIN_DIR: join(box.root, 'pg') });
      expect(result.status).toBe(1);
      expect(result.stdout).toBe(''); // no DATABASE_URL
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        new RegExp(
          `^\\[postgres\\] ERROR: port ${port} \\(POSTGRES_PORT\\) is already in use by .*set POSTGRES_PORT`,
        ),
      );
      if (hasSs) expect(lines[0]).toContain(`(pid ${process.pid})`);
      expect(existsSync(join(box.root, 'initdb-ran'))).toBe(false);
    } finally {
      server.close();
    }
  });

  it.each([
    [{ POSTGRES_STATE: 'keep' }, 'POSTGRES_STATE must be fresh or persist (got keep)'],
    [
      { POSTGRES_STOP_TIMEOUT: '0' },
      'POSTGRES_STOP_TIMEOUT must be a whole number of seconds >= 1 (got 0)',
    ],
    [{ POSTGRES_BIN_DIR: '/nonexistent' }, 'POSTGRES_BIN_DIR=/nonexistent has no initdb'],
  ])('refuses %j in one line', (env, message) => {
    const result = sandbox(undefined).run('bash', [script, 'start'], env);
    expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({
      status: 1,
      stdout: '',
      stderr: `[postgres] ERROR: ${message}\n`,
    });
  });
});

describe('scripts/postgres.sh and redis.sh: stop', () => {
  it.each([
    [
      'postgres',
      (pid: number) => `[postgres] PID ${pid} is not this PostgreSQL any more; not touching it\n`,
    ],
    ['redis', (pid: number) => `[redis] not running (PID ${pid} is gone or is not this Redis)\n`],
  ])('%s.sh leaves alone a recorded PID that is not its server', (name, message) => {
    const box = sandbox(undefined);
    const other = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      box.write(`.cache/${name}/${name}.pid`, String(other.pid));
      const result = box.run('bash', [`scripts/${name}.sh`, 'stop']);
      expect({ status: result.status, stderr: result.stderr }).toEqual({
        status: 0,
        stderr: message(other.pid!),
      });
      expect(other.exitCode).toBeNull();
      expect(other.signalCode).toBeNull();
      expect(existsSync(join(box.root, `.cache/${name}/${name}.pid`))).toBe(false);
    } finally {
      other.kill();
    }
  });
});
