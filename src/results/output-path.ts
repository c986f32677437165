/**
 * Output paths checked before any work starts, so that an hour of analysis or training never ends in a raw
 * ENOTDIR, a stack trace, or — under /proc, where `mkdir -p` keeps "succeeding" without making anything — a
 * loop. A path is fine when it does not exist yet and its nearest existing ancestor is a writable folder on a
 * real filesystem, or when it exists as the kind of thing it must be.
 */
import { accessSync, constants, existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UserError } from '../errors.js';

/** Kernel pseudo-filesystems: nothing mbench writes belongs there. */
const PSEUDO_ROOTS = ['/proc', '/sys', '/dev'];

const isUnder = (path: string, root: string): boolean => path === root || path.startsWith(`${root}/`);

/** The nearest ancestor of `path` (itself included) that exists. */
function nearestExisting(path: string): string {
  let p = resolve(path);
  while (!existsSync(p)) {
    const up = dirname(p);
    if (up === p) break;
    p = up;
  }
  return p;
}

/** `dir` (or its nearest existing ancestor) must be a writable folder on a disk; messages name `path`. */
function checkPlace(path: string, dir: string, flag: string): void {
  const abs = resolve(dir);
  const real = (() => {
    const base = nearestExisting(abs);
    try {
      return realpathSync(base);
    } catch {
      return base;
    }
  })();
  const pseudo = PSEUDO_ROOTS.find((r) => isUnder(abs, r) || isUnder(real, r));
  if (pseudo) throw new UserError(`${flag} ${path}: lies under ${pseudo}, a kernel pseudo-filesystem; choose a folder on a disk`);
  if (!statSync(real).isDirectory()) throw new UserError(`${flag} ${path}: ${real} is a file, not a folder, so nothing can be created under it`);
  try {
    accessSync(real, constants.W_OK | constants.X_OK);
  } catch {
    throw new UserError(`${flag} ${path}: ${real} is not writable (permissions or a read-only filesystem)`);
  }
}

/** A folder to write into: missing (it will be made) or an existing, writable folder. */
export function checkOutputFolder(dir: string, flag = '--out'): void {
  const abs = resolve(dir);
  if (existsSync(abs) && !statSync(abs).isDirectory()) throw new UserError(`${flag} ${dir}: exists and is not a folder (a file); choose a folder`);
  checkPlace(dir, abs, flag);
}

/** A file to write: missing or an existing file (replaced), in a folder that can be written. */
export function checkOutputFile(file: string, flag = '--out'): void {
  const abs = resolve(file);
  if (existsSync(abs) && statSync(abs).isDirectory()) throw new UserError(`${flag} ${file}: is a folder; give a file name`);
  checkPlace(file, dirname(abs), flag);
}
