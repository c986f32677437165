#!/usr/bin/env node
// The one entry: runs the compiled command tree, dist/bin/mbench.js (built from bin/mbench.ts by `npm run build`,
// which `npm install` runs). No TypeScript loader: commands, and the runs a sweep starts, run plain JavaScript.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/bin/mbench.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('mbench: error: the compiled CLI (dist/) is missing: run npm run build\n');
  process.exit(1);
}
await import(entry.href);
