/** Imports an optional package by a computed name, so TypeScript need not have it installed. */
import { UserError } from '../errors.js';

/** The module, or null when the package is not installed; one that is installed but fails to load is a UserError. */
export async function importOptional(specifier: string): Promise<Record<string, unknown> | null> {
  try {
    return (await import(specifier)) as Record<string, unknown>;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return null;
    throw new UserError(`${specifier} is installed but failed to load: ${(err as Error).message}`);
  }
}
