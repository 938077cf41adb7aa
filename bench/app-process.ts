import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { LISTENING_LINE, waitForLine } from '../test/support/child-app.js';
/** Variables the bench sets itself; any inherited value is dropped so the shell cannot skew a run. */
const OWNED_VARIABLES =
  /^(KEYCLOAK_|JWT_|JWKS_|TOKEN_CACHE_|INTROSPECTION_CACHE_|AUTHZ_|AUTH_FAILURE_|AUDIT_|BACKCHANNEL_|REVOCATION_|REDIS_|CORS_|DATABASE_|PGLITE_|PORT$|METRICS_PORT$|SHUTDOWN_|TRUST_PROXY$|HTTP_ADAPTER$)/;

/** True when `taskset` (util-linux) is on the PATH, so children can be pinned to a CPU. */
export const HAS_TASKSET = ((): boolean => {
  try {
    execFileSync('sh', ['-c', 'command -v taskset'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

export interface AppOptions {
  /** Short name, used for the log file. */
  name: string;
  /** Repository root: the child runs `node <script>` there. */
  cwd: string;
  /** The program, relative to cwd. @default 'dist/main.js' */
  script?: string;
  /** Pin the child to this CPU with `taskset -c` (ignored when taskset is missing). */
  cpu?: number;
  /** Where the child's stdout and stderr go once it has started. */
  logFile: string;
  /** Environment on top of the inherited one (minus the variables the bench owns). */
  env: Record<string, string>;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: string[];
  /** The node binary. @default process.execPath */
  node?: string;
  /** Give up waiting for the start line after this long. */
  startTimeoutMs?: number;
}

/** Memory of a process from /proc/<pid>/status, in MB (10^6 bytes). */
export interface Memory {
  /** VmHWM: peak resident set size. */
  peakMB: number;
  /** VmRSS: resident set size now. */
  rssMB: number;
}

/**
 * A server child process on a free loopback port: the built API (`node dist/main.js`), the API
 * without I/O (bench/api-no-io.ts) or the ceiling; each prints LISTENING_LINE once it accepts
 * connections.
 */
export class AppProcess {
  private exited = false;

  private constructor(
    readonly name: string,
    readonly port: number,
    private readonly child: ChildProcess,
    readonly pid: number,
  ) {
    child.once('exit', () => (this.exited = true));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return !this.exited;
  }

  /** Spawns the app and resolves when it logs that it listens; rejects if it exits first. */
  static async start(options: AppOptions): Promise<AppProcess> {
    const port = await sparePort();
    // Metrics stay on, as in production, so the bench prices them; each instance gets its own
    // spare METRICS_PORT (the default, 9464, would clash between instances alive at once).
    const metricsPort = await sparePort();
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) {
      if (!OWNED_VARIABLES.test(key)) env[key] = value;
    }
    Object.assign(env, options.env, {
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      SHUTDOWN_DRAIN_MS: '0',
      NO_COLOR: '1',
    });
    const script = options.script ?? 'dist/main.js';
    const node = [options.node ?? process.execPath, ...(options.nodeArgs ?? []), script];
    // taskset execs node in place, so the PID (and /proc/<pid>) is node's.
    const command =
      options.cpu !== undefined && HAS_TASKSET
        ? ['taskset', '-c', String(options.cpu), ...node]
        : node;
    const child = spawn(command[0], command.slice(1), {
      cwd: options.cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (child.pid === undefined) {
      // spawn failures are reported on the 'error' event.
      const error = await new Promise<Error>((resolve) => child.once('error', resolve));
      throw new Error(`${options.name}: cannot start ${command.join(' ')}: ${error.message}`);
    }
    const app = new AppProcess(options.name, port, child, child.pid);
    const log = createWriteStream(options.logFile);
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    try {
      await waitForLine(child, LISTENING_LINE, options.startTimeoutMs ?? 30_000, options.name);
    } catch (error) {
      await app.stop();
      throw new Error(`${(error as Error).message}\n(full log: ${options.logFile})`, {
        cause: error,
      });
    }
    return app;
  }

  /** Peak (VmHWM) and current (VmRSS) resident memory of the child. */
  async memory(): Promise<Memory> {
    const status = await readFile(`/proc/${this.pid}/status`, 'utf8');
    const kib = (field: string): number => {
      const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
      if (!match) throw new Error(`${field} missing from /proc/${this.pid}/status`);
      return Number(match[1]);
    };
    return { peakMB: (kib('VmHWM') * 1024) / 1e6, rssMB: (kib('VmRSS') * 1024) / 1e6 };
  }

  /**
   * CPU time the child has used so far (user + system, all threads: GC, libuv pool), in ms,
   * from /proc/<pid>/stat (clock ticks, 100 per second on Linux).
   */
  cpuMs(): Promise<number> {
    return processCpuMs(this.pid);
  }

  /** SIGTERM by PID, then SIGKILL if the child is still there after a grace period. */
  async stop(graceMs = 5_000): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    signal(this.pid, 'SIGTERM');
    const timer = setTimeout(() => signal(this.pid, 'SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  /** Last resort from a synchronous 'exit' handler. */
  killNow(): void {
    if (!this.exited) signal(this.pid, 'SIGKILL');
  }
}

/** The kernel's ephemeral ports (ip_local_port_range): where outgoing connections get theirs. */
const EPHEMERAL = ((): { low: number; high: number } => {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    if (low > 0 && high >= low) return { low, high };
  } catch {
    // not Linux: the usual range
  }
  return { low: 32768, high: 60999 };
})();
const handedOut = new Set<number>();

/**
 * A loopback port free a moment ago and not handed out before, for a child to listen on: chosen
 * below the ephemeral range, so that none of the outgoing connections the children open while
 * starting up at once (the stand-in, Redis) can take it before its child listens.
 */
export async function sparePort(): Promise<number> {
  const low = 10_000;
  const high = EPHEMERAL.low > low + 1000 ? EPHEMERAL.low - 1 : 30_000;
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (handedOut.has(port)) continue;
    const server = createServer();
    const bound = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (!bound) continue;
    server.close();
    await once(server, 'close');
    handedOut.add(port);
    return port;
  }
  throw new Error('no spare loopback port found');
}

/**
 * CPU time a process has used so far (user + system, all threads), in ms, from
 * /proc/<pid>/stat (clock ticks, 100 per second on Linux).
 */
export async function processCpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after "(comm) ": state is field 3, utime field 14, stime field 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}
