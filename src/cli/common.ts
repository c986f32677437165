/** What every command shares: printing errors once, exit codes, and a handler wrapper. */
import { UserError, storageError } from '../errors.js';

/** Prints an error once, the way a user should see it, and returns the exit code. */
export function reportError(err: unknown): number {
  err = storageError(err) ?? err; // a full or read-only disk is the user's to fix, not a bug: no stack trace
  if (err instanceof UserError) {
    process.stderr.write(`mbench: error: ${err.message}\n`);
    return err.exitCode;
  }
  const e = err as Error;
  process.stderr.write(`mbench: internal error: ${e?.stack ?? String(err)}\n`);
  return 1;
}

/** Wraps an async command handler so a thrown error sets the exit code instead of crashing noisily. */
export function handler<A>(fn: (args: A) => Promise<number | void> | number | void): (args: A) => Promise<void> {
  return async (args: A) => {
    try {
      const code = await fn(args);
      if (typeof code === 'number' && code !== 0) process.exitCode = code;
    } catch (err) {
      process.exitCode = reportError(err);
    }
  };
}
