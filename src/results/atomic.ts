/**
 * Crash-safe file writes: write a sibling temp file, fsync, rename over the target. A reader sees the old file
 * or the new one, never half of one; a killed process leaves at most a `*.tmp-*` file, which readers ignore.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync, appendFileSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { BadFileError } from '../errors.js';

export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
}

/** An fd-based write error (ENOSPC from write(2) has no path) given the path it was writing. */
function naming(err: unknown, path: string): unknown {
  const e = err as NodeJS.ErrnoException;
  if (e && typeof e.code === 'string' && !e.path) e.path = path;
  return err;
}

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (err) {
    throw naming(err, dirname(path));
  }
  const tmp = tempPathFor(path);
  try {
    const fd = openSync(tmp, 'w');
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw naming(err, path);
  }
}

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}

/** Reads and parses a JSON file; a missing or malformed file is a BadFileError naming it. */
export function readJson<T = unknown>(path: string): T {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new BadFileError(path, `cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new BadFileError(path, `not valid JSON (${(err as Error).message})`);
  }
}

/** Appends one JSON record as a line (metrics.jsonl). */
export function appendJsonLine(path: string, record: unknown): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    appendFileSync(path, JSON.stringify(record) + '\n');
  } catch (err) {
    throw naming(err, path);
  }
}

/**
 * Reads a JSON-lines file. A torn last line (a process killed mid-append) is dropped; a malformed line
 * elsewhere is an error naming file:line.
 */
export function readJsonLines<T = unknown>(path: string): T[] {
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  const out: T[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      const isLast = lines.slice(i + 1).every((l) => l.trim() === '');
      if (isLast && !text.endsWith('\n')) break;
      throw new BadFileError(`${path}:${i + 1}`, 'malformed JSON line');
    }
  }
  return out;
}
