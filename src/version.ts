import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The mbench checkout: the nearest folder above this file holding package.json. This file runs from src/ under
 * tsx (tests, scripts) and from dist/src/ once compiled; dist/ has no package.json, so both find the checkout.
 */
export const repoRoot: string = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

/** Where `npm run build` puts the files it cuts out of installed packages (src/engine/vendor.ts). */
export const vendorDir: string = join(repoRoot, 'dist', 'vendor');

export const mbenchVersion: string = (
  JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }
).version;

let commit: string | null | undefined;
/** The git commit of the mbench checkout (with `-dirty` when modified), or null outside a checkout. */
export function gitCommit(): string | null {
  if (commit !== undefined) return commit;
  try {
    const head = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
    commit = dirty ? `${head}-dirty` : head;
  } catch {
    commit = null;
  }
  return commit;
}
