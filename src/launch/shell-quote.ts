/**
 * POSIX shell quoting: wrap in single quotes, and write each ' as '\'' — inside single quotes nothing is special,
 * so spaces, quotes, `$(…)`, backticks and globs reach the program unchanged.
 */
export function shellQuote(value: string): string {
  if (value.includes('\0')) throw new Error('a shell argument cannot contain a NUL byte');
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A command line for a script: each word quoted. */
export function shellCommand(words: readonly string[]): string {
  return words.map(shellQuote).join(' ');
}
