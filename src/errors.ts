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
