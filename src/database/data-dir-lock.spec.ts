import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirLockedError, lockDataDir } from './data-dir-lock.js';

describe('lockDataDir', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lock-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('claims a folder once; the release frees it for the next claim', async () => {
    const release = await lockDataDir(dir);
    await expect(lockDataDir(dir)).rejects.toThrow(DataDirLockedError);
    await release();
    expect(existsSync(join(dir, 'api.lock'))).toBe(false);
    await (
      await lockDataDir(dir)
    )();
  });

  it('takes over a lock left by a process that has exited', async () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    writeFileSync(join(dir, 'api.lock'), String(dead));
    await (
      await lockDataDir(dir)
    )();
  });

  it('names the folder and the live process holding it', async () => {
    writeFileSync(join(dir, 'api.lock'), String(process.ppid));
    await expect(lockDataDir(dir)).rejects.toThrow(
      `The embedded database at ${dir} is in use by process ${process.ppid}`,
    );
  });
});
