/**
 * Errors a user can act on. The CLI prints `message` once (no stack trace) and exits with `exitCode`.
 * Messages say what is wrong, where (file, line, flag), and what to change.
 */
export class UserError extends Error {
  override readonly name: string = 'UserError';
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

/** A file that exists but cannot be used: malformed, truncated, wrong schema. Names the file. */
export class BadFileError extends UserError {
  override readonly name = 'BadFileError';
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

/** Did-you-mean helper for unknown names (flags, keys, recipes, tasks). */
export function didYouMean(input: string, known: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = editDistance(input.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  if (best !== undefined && bestDistance <= Math.max(2, Math.floor(input.length / 3))) return ` (did you mean '${best}'?)`;
  return '';
}

/** Levenshtein distance, O(|a|·|b|). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const sub = prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      cur.push(Math.min(sub, prev[j]! + 1, cur[j - 1]! + 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** Throws a UserError listing the known names when `name` is not one of them. */
export function checkName<T extends string>(kind: string, name: string, known: readonly T[]): T {
  if ((known as readonly string[]).includes(name)) return name as T;
  throw new UserError(`unknown ${kind} '${name}'${didYouMean(name, known)}; known: ${known.join(', ')}`);
}

/**
 * Text from a user's file made safe to print in a message: control characters, invalid bytes (read as U+FFFD)
 * and other unprintable code points become \xNN / \u{…} escapes, and long text is cut to `max` characters, so a
 * binary file cannot scramble the terminal or flood it.
 */
export function printable(text: string, max = 60): string {
  const cut = [...text].slice(0, max);
  const escaped = cut.map((ch) => {
    const code = ch.codePointAt(0)!;
    if (code < 0x20 || code === 0x7f) return `\\x${code.toString(16).padStart(2, '0')}`;
    if ((code >= 0x80 && code < 0xa0) || code === 0xfffd || /\p{Cf}|\p{Co}|\p{Cn}/u.test(ch)) return `\\u{${code.toString(16)}}`;
    return ch;
  });
  return escaped.join('') + ([...text].length > max ? '…' : '');
}

/** What a failed write means, for the errno codes a full, read-only or forbidden disk gives. */
const STORAGE_ERRORS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the filesystem is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EMFILE: 'too many open files in this process',
  ENFILE: 'too many open files on this machine',
};

/**
 * A filesystem error as a user sees it — which path, and what went wrong with the disk — instead of a stack
 * trace; null for errors that are not about storage.
 */
export function storageError(err: unknown): UserError | null {
  const e = err as (NodeJS.ErrnoException & { dest?: string }) | null;
  const reason = e && typeof e.code === 'string' ? STORAGE_ERRORS[e.code] : undefined;
  if (!reason) return null;
  const target = e!.path ? `${e!.dest ? `${e!.path} → ${e!.dest}` : e!.path}` : 'a file';
  return new UserError(`cannot ${e!.syscall === 'open' || e!.syscall === 'write' || !e!.syscall ? 'write' : e!.syscall} ${target}: ${reason} (${e!.code})`, 1);
}
