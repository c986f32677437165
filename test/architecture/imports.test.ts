/**
 * Imports run down the pipeline only (DESIGN.md "Layout"): cli → launch → config → train → model → kernels, engine
 * below model, one random module and the error types on the ground floor; src/pareto reads the run store and
 * nothing else. The check reads the import specifiers of every .ts file under src/, kernels/ and bench/ (static
 * `import … from`, `export … from`, side-effect `import '…'` and `import('…')`), type-only imports included:
 * a type import is still a dependency on the folder that owns the type.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { repoRoot } from '../../src/version.js';

/** Errors, the seeded random module and the version: imported from everywhere, importing nothing of mbench. */
const GROUND = ['src/errors.ts', 'src/random.ts', 'src/version.ts'];

/**
 * Each folder and the folders it may import from, besides itself and the ground floor. Read a row as "may
 * depend on". kernels/ and src/engine/ sit together below model: backends register AdamW and fused kernels from
 * kernels/, and kernels look up the native fused ops in src/engine/native (a fused-kernel registry in kernels/
 * would remove that edge).
 */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  'src/cli': ['bench', 'src/launch', 'src/export', 'src/pareto', 'src/config', 'src/train', 'src/data', 'src/model', 'src/engine', 'src/results', 'kernels'],
  bench: ['src/train', 'src/model', 'src/data', 'src/engine', 'src/results', 'kernels'],
  'src/launch': ['src/config', 'src/train', 'src/data', 'src/model', 'src/engine', 'src/results'],
  'src/export': ['src/train', 'src/data', 'src/model', 'src/engine', 'src/results', 'kernels'],
  'src/pareto': ['src/results'],
  'src/config': ['src/train', 'src/data', 'src/model', 'src/engine', 'src/results', 'kernels'],
  'src/train': ['src/data', 'src/model', 'src/engine', 'src/results', 'kernels'],
  'src/model': ['src/engine', 'kernels'],
  'src/data': [],
  'src/results': [],
  'src/engine': ['kernels'],
  kernels: ['src/engine'],
  ground: [],
};

interface SourceFile {
  /** Path relative to the repository root, with forward slashes. */
  path: string;
  text: string;
}

interface Violation {
  file: string;
  specifier: string;
  rule: string;
}

const STATIC = /^\s*(?:import|export)\s[^;]*?\bfrom\s*['"]([^'"]+)['"]/gm;
const SIDE_EFFECT = /^\s*import\s*['"]([^'"]+)['"]/gm;
const DYNAMIC = /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The module specifiers a file imports, in order of appearance per kind. */
function importSpecifiers(text: string): string[] {
  return [STATIC, SIDE_EFFECT, DYNAMIC].flatMap((re) => [...text.matchAll(re)].map((m) => m[1]!));
}

/** The layer of a repository path: `src/<folder>`, `kernels`, `bench`, `ground`, or null (outside the checked tree). */
function layerOf(path: string): string | null {
  if (GROUND.includes(path)) return 'ground';
  const parts = path.split('/');
  if (parts[0] === 'src' && parts.length > 2) return `src/${parts[1]}`;
  if (parts[0] === 'kernels' || parts[0] === 'bench') return parts[0];
  return null;
}

/** Every import that breaks a rule, with the rule it breaks. */
function importViolations(files: readonly SourceFile[]): Violation[] {
  const out: Violation[] = [];
  for (const f of files) {
    const from = layerOf(f.path);
    if (from === null) continue;
    for (const specifier of importSpecifiers(f.text)) {
      const broke = (rule: string): void => void out.push({ file: f.path, specifier, rule });
      if (!specifier.startsWith('.')) {
        if (from === 'src/pareto' && specifier.startsWith('@tensorflow/')) broke('src/pareto never imports tfjs');
        continue;
      }
      const target = relative(repoRoot, resolve(repoRoot, dirname(f.path), specifier)).split('\\').join('/');
      const to = layerOf(target.replace(/\.js$/, '.ts'));
      if (to === null) {
        broke(`imports outside src/, kernels/ and bench/ (${target})`);
        continue;
      }
      if (to === from || to === 'ground') continue;
      if ((from === 'kernels' || from === 'src/engine' || from === 'src/model') && to === 'src/train') broke(`${from} must not import from src/train`);
      else if (from === 'src/launch' && to === 'src/cli') broke('src/launch must not import from src/cli');
      else if (from === 'src/pareto' && ['src/train', 'src/model', 'src/launch'].includes(to)) broke(`src/pareto must not import from ${to}`);
      else if (!ALLOWED[from]!.includes(to)) broke(`${from} may import only from ${[...ALLOWED[from]!, 'ground'].join(', ')}; ${to} is not below it`);
    }
  }
  return out;
}

function sourceFiles(dir: string): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (abs: string): void => {
    for (const e of readdirSync(abs, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name === 'build') continue;
      const p = join(abs, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) out.push({ path: relative(repoRoot, p).split('\\').join('/'), text: readFileSync(p, 'utf8') });
    }
  };
  walk(join(repoRoot, dir));
  return out;
}

const describe = (vs: readonly Violation[]): string => vs.map((v) => `  ${v.file}: '${v.specifier}' — ${v.rule}`).join('\n');

test('imports run down the pipeline: no file under src/, kernels/ or bench/ imports a folder above it', () => {
  const files = ['src', 'kernels', 'bench'].flatMap(sourceFiles);
  assert.ok(files.length > 150, `found only ${files.length} files`);
  // Every layer of the table is a real folder, so a rename cannot quietly empty a rule.
  const layers = new Set(files.map((f) => layerOf(f.path)));
  for (const layer of Object.keys(ALLOWED)) assert.ok(layers.has(layer), `no files in layer ${layer}`);
  const violations = importViolations(files);
  assert.equal(violations.length, 0, `imports against the pipeline's direction:\n${describe(violations)}`);
});

test('the named rules hold on their own: kernels/engine/model ↛ train, launch ↛ cli, pareto reads results only', () => {
  const files = ['src', 'kernels', 'bench'].flatMap(sourceFiles);
  const into = (fromPrefixes: string[], target: RegExp) =>
    files.filter((f) => fromPrefixes.some((p) => f.path.startsWith(p))).flatMap((f) => importSpecifiers(f.text).filter((s) => target.test(s)).map((s) => `${f.path}: ${s}`));
  assert.deepEqual(into(['kernels/', 'src/engine/', 'src/model/'], /(^|\/)train\//), []);
  assert.deepEqual(into(['src/launch/'], /(^|\/)cli\//), []);
  assert.deepEqual(into(['src/pareto/'], /^@tensorflow\/|(^|\/)(train|model|launch)\//), []);
});

test('the checker reports planted bad imports, naming the file and the import', () => {
  const planted: SourceFile[] = [
    { path: 'src/model/planted.ts', text: "import type { PretrainOptions } from '../train/pretrain.js';\n" },
    { path: 'kernels/planted.ts', text: "export {\n  AdamWOptimizer,\n} from '../src/train/optimizer.js';\n" },
    { path: 'src/launch/planted.ts', text: "const cli = await import('../cli/run.js');\n" },
    { path: 'src/pareto/planted.ts', text: "import * as tf from '@tensorflow/tfjs-core';\nimport { RECIPES } from '../model/recipes.js';\n" },
    { path: 'src/data/planted.ts', text: "import '../config/expand.js';\n" },
    // Imports that follow the rules, and one inside a doc comment's prose, are not reported.
    { path: 'src/train/fine.ts', text: "import { z } from 'zod';\nimport { seedFor } from '../random.js';\nimport type { ModelConfig } from '../model/types.js';\n/** Built like the loop (see pretrain.ts) */\n" },
  ];
  const found = importViolations(planted).map((v) => `${v.file} ${v.specifier}`);
  assert.deepEqual(found, [
    'src/model/planted.ts ../train/pretrain.js',
    'kernels/planted.ts ../src/train/optimizer.js',
    'src/launch/planted.ts ../cli/run.js',
    'src/pareto/planted.ts @tensorflow/tfjs-core',
    'src/pareto/planted.ts ../model/recipes.js',
    'src/data/planted.ts ../config/expand.js',
  ]);
  assert.match(describe(importViolations(planted)), /src\/model\/planted\.ts: '\.\.\/train\/pretrain\.js' — src\/model must not import from src\/train/);
});
