/**
 * Registers the gradients of every tfjs-core op, which tf.variableGrads needs.
 *
 * Why this file exists: `@tensorflow/tfjs-core`'s Node entry (dist/tf-core.node.js) registers no gradients; the
 * registration lives only in its ESM sources (dist/register_all_gradients.js), whose extensionless imports Node
 * cannot load (and loading its ~800 files through a resolve hook takes about a second). `npm run build` bundles
 * that entry into one ES module under dist/vendor (./vendor.ts); this imports it.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { UserError } from '../errors.js';
import { vendorFiles } from './vendor.js';

let loaded: Promise<void> | null = null;

/** Idempotent; resolves once every op's gradient is registered. */
export function registerAllGradients(): Promise<void> {
  loaded ??= load();
  return loaded;
}

async function load(): Promise<void> {
  if (tf.getGradient('Neg') !== undefined) return; // already registered (e.g. by @tensorflow/tfjs-node)
  const bundle = vendorFiles().gradients;
  if (!existsSync(bundle)) throw new UserError(`tfjs-core's gradients are not built (${bundle} is missing): run npm run build`);
  await import(pathToFileURL(bundle).href);
  if (tf.getGradient('Neg') === undefined) throw new Error(`tfjs gradients did not register from ${bundle}`);
}
