/**
 * Registers the gradients of every tfjs-core op, which tf.variableGrads needs.
 *
 * Why this file exists: `@tensorflow/tfjs-core`'s Node entry (dist/tf-core.node.js) registers no gradients; the
 * registration lives only in its ESM sources (dist/register_all_gradients.js), whose extensionless imports Node
 * cannot load. We bundle that entry once with esbuild (already installed as tsx's dependency) into a single ESM
 * file under node_modules/.cache and import it. The bundle carries its own copy of the ops the gradient functions
 * call, but tfjs keeps its engine and kernel/gradient registries on globalThis, so both copies share one engine.
 */
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';

const require = createRequire(import.meta.url);

let loaded: Promise<void> | null = null;

/** Idempotent; resolves once every op's gradient is registered. */
export function registerAllGradients(): Promise<void> {
  loaded ??= load();
  return loaded;
}

async function load(): Promise<void> {
  if (tf.getGradient('Neg') !== undefined) return; // already registered (e.g. by @tensorflow/tfjs-node)
  const corePkg = require.resolve('@tensorflow/tfjs-core/package.json');
  const entry = join(dirname(corePkg), 'dist', 'register_all_gradients.js');
  const cacheDir = join(dirname(corePkg), '..', '..', '.cache', 'mbench');
  const bundle = join(cacheDir, `tfjs-core-${tf.version_core}-gradients.mjs`);
  if (!existsSync(bundle)) {
    const { buildSync } = (await import('esbuild')) as typeof import('esbuild');
    mkdirSync(cacheDir, { recursive: true });
    const tmp = `${bundle}.tmp-${process.pid}`;
    buildSync({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'node', outfile: tmp, logLevel: 'error', external: ['node-fetch'] });
    renameSync(tmp, bundle);
  }
  await import(pathToFileURL(bundle).href);
  if (tf.getGradient('Neg') === undefined) throw new Error(`tfjs gradients did not register from ${bundle}`);
}
