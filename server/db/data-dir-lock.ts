import fs from 'node:fs';
import path from 'node:path';

/**
 * Takes an exclusive lock on a PGlite data directory. PGlite is single-process: a second writer on the same files
 * corrupts them silently, so a second server must refuse to start instead. A lock left by a dead process is taken over.
 * @returns a function that releases the lock.
 */
export function acquireDataDirLock(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, 'curate.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        fs.rmSync(lockPath, { force: true });
        process.off('exit', release);
      };
      process.on('exit', release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(fs.readFileSync(lockPath, 'utf8'));
      if (isAlive(holder) && holder !== process.pid) {
        throw new Error(
          `The data directory ${dataDir} is in use by another Curate process (pid ${holder}). ` +
            'The embedded store allows one process at a time: stop the other one, use another DATA_DIR, ' +
            'or set DATABASE_URL to share a PostgreSQL server.',
        );
      }
      if (holder === process.pid) throw new Error(`The data directory ${dataDir} is already open in this process.`);
      fs.rmSync(lockPath, { force: true });
    }
  }
  throw new Error(`Could not lock the data directory ${dataDir}`);
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
