import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitForLine } from '../test/support/child-app.js';
import { HAS_TASKSET, processCpuMs, signal, sparePort } from './app-process.js';

/**
 * The Redis the bench's replicas share: Debian's `redis-server` on a spare loopback port, without
 * persistence, pinned with the servers (its work is the cluster's, not the load generator's), and
 * stopped by its process. Its CPU time is read like an app's, so the report can price it apart.
 */
export class RedisProcess {
  private exited = false;

  private constructor(
    readonly port: number,
    private readonly child: ChildProcess,
    readonly pid: number,
    private readonly dir: string,
  ) {
    child.once('exit', () => (this.exited = true));
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return !this.exited;
  }

  /** Starts one (on `cpu` when given); resolves once it accepts connections. */
  static async start(cpu?: number): Promise<RedisProcess> {
    const port = await sparePort();
    const dir = mkdtempSync(join(tmpdir(), 'bench-redis-'));
    const server = ['redis-server', '--port', String(port), '--bind', '127.0.0.1'];
    server.push('--save', '', '--appendonly', 'no', '--dir', dir);
    // taskset execs redis-server in place, so the PID is the server's.
    const command =
      cpu !== undefined && HAS_TASKSET ? ['taskset', '-c', String(cpu), ...server] : server;
    const child = spawn(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid === undefined) {
      const error = await new Promise<Error>((resolve) => child.once('error', resolve));
      rmSync(dir, { recursive: true, force: true });
      throw new Error(
        `cannot start redis-server (Debian's redis-server package): ${error.message}`,
      );
    }
    const redis = new RedisProcess(port, child, child.pid, dir);
    try {
      await waitForLine(child, 'Ready to accept connections', 10_000, 'redis-server');
    } catch (error) {
      await redis.stop();
      throw error;
    }
    // Drained from now on, so a full pipe never blocks it.
    child.stdout?.resume();
    child.stderr?.resume();
    return redis;
  }

  cpuMs(): Promise<number> {
    return processCpuMs(this.pid);
  }

  /** SIGTERM by PID (SIGKILL after 5 s), then its empty folder goes. */
  async stop(): Promise<void> {
    if (!this.exited) {
      const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      signal(this.pid, 'SIGTERM');
      const timer = setTimeout(() => signal(this.pid, 'SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Last resort from a synchronous 'exit' handler. */
  killNow(): void {
    if (!this.exited) signal(this.pid, 'SIGKILL');
  }
}
