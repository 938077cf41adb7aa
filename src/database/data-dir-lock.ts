import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** Thrown when another live process already holds the embedded database's folder. */
export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';
}

/**
 * Claims an embedded database folder for this process. PGlite keeps no lock of its own, and
 * two processes writing one folder corrupt it; a second API on the same folder stops at start
 * with a message instead. A lock left by a process that died is taken over. Returns the release.
 */
export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  const file = join(dir, 'api.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (isAlive(holder)) {
        throw new DataDirLockedError(
          `The embedded database at ${dir} is in use by process ${holder}; stop it, or set DATABASE_URL to share a PostgreSQL database between instances`,
        );
      }
      await rm(file, { force: true });
    }
  }
  throw new DataDirLockedError(`Cannot lock the embedded database at ${dir}`);
}

function isAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
