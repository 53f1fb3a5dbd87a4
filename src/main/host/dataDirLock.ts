/**
 * One host per data directory. Two hosts on one directory would both start and silently undo
 * each other's settings, so the second refuses to start and names the first. The lock is a file
 * holding the owner's pid; a lock whose pid is no longer running (a crash, a SIGKILL) is taken
 * over.
 *
 * Known limit: two hosts taking over the same stale lock in the same instant can both succeed;
 * starting two hosts by hand cannot hit that window.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = 'peregrine.lock';

export interface LockOwner {
  pid: number;
  /** Which host holds it: 'web' or 'electron'. */
  host: string;
  startedAt: string;
  /** Tells two holders in one process apart, so release never removes someone else's lock. */
  nonce: string;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly owner: Pick<LockOwner, 'pid' | 'host'>,
  ) {
    super(
      `Another Peregrine ${owner.host} host (pid ${owner.pid}) is already using the data directory ${dataDir}. ` +
        `Stop that process or choose another --data-dir; if no Peregrine is running, delete ${join(dataDir, LOCK_FILE)}.`,
    );
  }
}

export interface DataDirLock {
  readonly path: string;
  /** Removes the lock if it is still ours; safe to call twice. */
  release(): void;
}

export interface LockOptions {
  host: string;
  pid?: number;
  /** Whether a process with this pid is running (tests pass their own). */
  isRunning?: (pid: number) => boolean;
}

export function acquireDataDirLock(dataDir: string, options: LockOptions): DataDirLock {
  const path = join(dataDir, LOCK_FILE);
  const isRunning = options.isRunning ?? pidIsRunning;
  const owner: LockOwner = {
    pid: options.pid ?? process.pid,
    host: options.host,
    startedAt: new Date().toISOString(),
    nonce: randomBytes(8).toString('hex'),
  };
  const text = `${JSON.stringify(owner)}\n`;
  for (let attempt = 0; ; attempt++) {
    try {
      // 'wx' is create-exclusive: of two hosts racing here exactly one succeeds.
      writeFileSync(path, text, { flag: 'wx', mode: 0o600 });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const current = readOwner(path);
    if (current !== null && isRunning(current.pid)) throw new DataDirLockedError(dataDir, current);
    // Stale (its process is gone) or unreadable (a crash mid-write): take it over, once.
    if (attempt > 0) throw new Error(`Could not take over the stale lock ${path}.`);
    try {
      unlinkSync(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  let released = false;
  return {
    path,
    release: () => {
      if (released) return;
      released = true;
      if (readOwner(path)?.nonce !== owner.nonce) return;
      try {
        unlinkSync(path);
      } catch {
        // Already gone: nothing to release.
      }
    },
  };
}

function readOwner(path: string): LockOwner | null {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>;
    if (typeof value.pid !== 'number' || !Number.isInteger(value.pid) || value.pid <= 0) return null;
    return {
      pid: value.pid,
      host: typeof value.host === 'string' ? value.host.slice(0, 20) : 'unknown',
      startedAt: String(value.startedAt ?? ''),
      nonce: String(value.nonce ?? ''),
    };
  } catch {
    return null;
  }
}

/** Signal 0 checks existence only; EPERM means it runs under another user, so it is alive. */
export function pidIsRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
