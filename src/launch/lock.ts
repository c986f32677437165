/**
 * Run locks: `<runDir>/lock`, created with O_EXCL so exactly one process (of any executor, on any host sharing
 * the filesystem) runs a run at a time. The file holds {pid, host, token, startedAt}; the holder touches it every
 * `heartbeatMs` so other hosts can tell a live lock from a dead one.
 *
 * A lock is stale when its holder is gone: on this host, the pid no longer exists; on another host, the file
 * has not been touched for `staleAfterMs`. Breaking a stale lock is itself serialised by a second O_EXCL file
 * (`lock.break`), and the breaker re-reads the lock under it, so two processes can never both break and take it.
 */
import { closeSync, openSync, readFileSync, rmSync, statSync, utimesSync, writeSync, fsyncSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export interface LockInfo {
  pid: number;
  host: string;
  token: string;
  startedAt: string;
}

export interface LockOptions {
  /** How often the holder touches the lock file (ms). */
  heartbeatMs?: number;
  /** A lock from another host untouched for this long is stale (ms). */
  staleAfterMs?: number;
}

export interface HeldLock {
  readonly info: LockInfo;
  readonly path: string;
  /** Marks the holder alive now (also done by a timer; runs call it from their steps, since a long synchronous
   *  step can starve the timer). */
  touch(): void;
  release(): void;
}

export type LockAttempt = { acquired: true; lock: HeldLock } | { acquired: false; holder: LockInfo | null };

export type LockState = { held: false } | { held: true; holder: LockInfo | null; stale: boolean };

const DEFAULTS = { heartbeatMs: 20_000, staleAfterMs: 120_000 };
/** An empty or unreadable lock file (its writer died between create and write) is stale after this long. */
const TORN_LOCK_GRACE_MS = 10_000;

export const lockPath = (runDir: string): string => join(runDir, 'lock');

/** Tries once to take the run's lock, breaking it first if it is stale. Never waits. */
export function tryLock(runDir: string, options: LockOptions = {}): LockAttempt {
  const opts = { ...DEFAULTS, ...options };
  const path = lockPath(runDir);
  const info: LockInfo = { pid: process.pid, host: hostname(), token: randomBytes(8).toString('hex'), startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    if (createExclusive(path, JSON.stringify(info) + '\n')) return { acquired: true, lock: hold(path, info, opts.heartbeatMs) };
    const state = readLockState(path, opts.staleAfterMs);
    if (!state.held) continue; // released in between: try again
    if (!state.stale || !breakStaleLock(path, state.holder, opts.staleAfterMs)) return { acquired: false, holder: state.holder };
  }
  return { acquired: false, holder: null };
}

/** Who holds the lock, and whether they are gone. */
export function readLockState(path: string, staleAfterMs = DEFAULTS.staleAfterMs): LockState {
  let text: string;
  let mtimeMs: number;
  try {
    mtimeMs = statSync(path).mtimeMs;
    text = readFileSync(path, 'utf8');
  } catch {
    return { held: false };
  }
  const holder = parseLock(text);
  const ageMs = Date.now() - mtimeMs;
  if (!holder) return { held: true, holder: null, stale: ageMs > TORN_LOCK_GRACE_MS };
  const stale = holder.host === hostname() ? !pidAlive(holder.pid) : ageMs > staleAfterMs;
  return { held: true, holder, stale };
}

export function runLockState(runDir: string, staleAfterMs?: number): LockState {
  return readLockState(lockPath(runDir), staleAfterMs);
}

function breakStaleLock(path: string, judged: LockInfo | null, staleAfterMs: number): boolean {
  const breaker = `${path}.break`;
  if (!createExclusive(breaker, `${process.pid}@${hostname()}\n`)) {
    // Someone else is breaking it; a breaker left by a crashed process is cleared after a grace period.
    try {
      if (Date.now() - statSync(breaker).mtimeMs > TORN_LOCK_GRACE_MS * 6) rmSync(breaker, { force: true });
    } catch {
      /* gone already */
    }
    return false;
  }
  try {
    const now = readLockState(path, staleAfterMs);
    if (now.held && now.stale && now.holder?.token === judged?.token) rmSync(path, { force: true });
    return !readLockState(path, staleAfterMs).held;
  } finally {
    rmSync(breaker, { force: true });
  }
}

function hold(path: string, info: LockInfo, heartbeatMs: number): HeldLock {
  let lastTouch = Date.now();
  const touch = (): void => {
    lastTouch = Date.now();
    try {
      const t = new Date(lastTouch);
      utimesSync(path, t, t);
    } catch {
      /* the run folder was removed; nothing to keep alive */
    }
  };
  const timer = setInterval(touch, heartbeatMs);
  timer.unref();
  let released = false;
  return {
    info,
    path,
    touch() {
      if (Date.now() - lastTouch >= heartbeatMs / 4) touch();
    },
    release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      // Remove only our own lock: if it was (wrongly) broken and retaken, leave the new holder's file alone.
      try {
        if (parseLock(readFileSync(path, 'utf8'))?.token === info.token) rmSync(path, { force: true });
      } catch {
        /* already gone */
      }
    },
  };
}

function createExclusive(path: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return true;
}

function parseLock(text: string): LockInfo | null {
  try {
    const v = JSON.parse(text) as Partial<LockInfo>;
    if (typeof v.pid === 'number' && typeof v.host === 'string' && typeof v.token === 'string') return v as LockInfo;
  } catch {
    /* torn */
  }
  return null;
}

/** Whether a process with this pid exists on this host (EPERM: it exists but is not ours). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
