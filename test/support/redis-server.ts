import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForLine } from './child-app.js';

/** An ACL user for the API: its name, password and rules (`ACL SETUSER` words, no spaces). */
export interface RedisUser {
  name: string;
  password: string;
  rules: string[];
}

/**
 * A real `redis-server` (Debian's package; `.ci/run` installs it) on a loopback port, without
 * persistence, started and stopped by the test that owns it, by its process. `stop()` then
 * `start()` again gives a Redis that restarted empty on the same port, as after a crash.
 */
export class RedisServer {
  private process?: ChildProcess;
  private readonly dir = mkdtempSync(join(tmpdir(), 'redis-e2e-'));

  private constructor(
    readonly port: number,
    private readonly user?: RedisUser,
  ) {}

  /**
   * Starts one on a spare port; fails with a clear message when redis-server is missing. With
   * `user`, `url` logs in as that ACL user (the test's own commands use the default user).
   */
  static async start(user?: RedisUser): Promise<RedisServer> {
    if (spawnSync('redis-server', ['--version']).status !== 0) {
      throw new Error('redis-server is not installed: run `bash scripts/redis.sh install`');
    }
    const server = new RedisServer(await freePort(), user);
    await server.restart();
    return server;
  }

  get url(): string {
    const login = this.user ? `${this.user.name}:${this.user.password}@` : '';
    return `redis://${login}127.0.0.1:${this.port}`;
  }

  /** Starts the server again on the same port, empty; resolves once it answers. */
  async restart(): Promise<void> {
    if (this.process) throw new Error('redis-server is running');
    const args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
    ];
    this.process = spawn('redis-server', [...args, '--dir', this.dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await waitForLine(this.process, 'Ready to accept connections', 10_000, 'redis-server');
    // Drained from now on, so a full pipe never blocks it.
    this.process.stdout?.resume();
    this.process.stderr?.resume();
    if (this.user) {
      const { name, password, rules } = this.user;
      const reply = await this.command('ACL', 'SETUSER', name, 'on', `>${password}`, ...rules);
      if (!reply.startsWith('+OK')) throw new Error(`ACL SETUSER refused: ${reply}`);
    }
  }

  /** Kills it (SIGKILL: a crash, nothing flushed); resolves once the process is gone. */
  async kill(): Promise<void> {
    const running = this.process;
    if (!running) return;
    this.process = undefined;
    if (running.exitCode === null && running.signalCode === null) {
      running.kill('SIGKILL');
      await once(running, 'exit');
    }
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Deletes every key matching `pattern` (KEYS: fine for a test's small Redis). */
  async deleteKeys(pattern: string): Promise<void> {
    const reply = await this.command('KEYS', pattern);
    const keys = reply
      .split('\r\n')
      .filter((line, i) => i > 0 && line !== '' && !line.startsWith('$'));
    if (keys.length > 0) await this.command('DEL', ...keys);
  }

  /** Sends one inline command and resolves its raw reply. */
  async command(...words: string[]): Promise<string> {
    const socket = createConnection(this.port, '127.0.0.1');
    socket.end(`${words.join(' ')}\r\n`);
    let reply = '';
    for await (const chunk of socket) reply += String(chunk);
    return reply;
  }
}
