/**
 * Writing an export folder all at once: every file goes into a temp folder beside the target
 * (`.<name>.tmp-<pid>-<random>`), each fsynced, and the folder is renamed into place at the end. A failure or a
 * kill leaves no half-written target, only (at worst) a dot-named temp folder. An existing target is refused
 * unless it is an empty folder, so an export never mixes with or replaces other files.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';

export interface OutputFile {
  /** File name inside the folder (no separators). */
  name: string;
  data: string | Uint8Array;
}

/** Throws a UserError (naming `flag` and the path) when `dir` exists and is not an empty folder. */
export function checkOutputDir(dir: string, flag = '--out'): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new UserError(`${flag} ${dir}: exists and is not a folder; choose a new folder`);
  const entries = readdirSync(dir);
  if (entries.length > 0) {
    throw new UserError(`${flag} ${dir}: folder is not empty (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}); choose a new or empty folder`);
  }
}

function writeSynced(path: string, data: string | Uint8Array): void {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  const fd = openSync(path, 'wx');
  try {
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes `files` as the folder `dir` (which must not exist, or be empty), all or nothing. Returns the paths. */
export function writeOutputDir(dir: string, files: readonly OutputFile[], flag = '--out'): string[] {
  checkOutputDir(dir, flag);
  const target = resolve(dir);
  mkdirSync(dirname(target), { recursive: true });
  const tmp = join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  mkdirSync(tmp);
  try {
    for (const f of files) {
      if (f.name.includes('/') || f.name.includes('\\') || f.name.startsWith('.')) throw new Error(`bad output file name '${f.name}'`);
      writeSynced(join(tmp, f.name), f.data);
    }
    if (existsSync(target)) rmdirSync(target); // empty (checked above); rmdir fails rather than delete anything
    renameSync(tmp, target);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  return files.map((f) => join(dir, f.name));
}
