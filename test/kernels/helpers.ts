/** Comparison helpers for kernel tests: a kernel against a plain-tfjs reference, values and gradients. */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../src/random.js';

/** A deterministic float tensor with values in [−scale, scale). */
export function randomTensor(shape: number[], seed: number, scale = 1): tf.Tensor {
  const rng = new Rng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: size }, () => (2 * rng.next() - 1) * scale), shape);
}

export function assertClose(actual: tf.Tensor | ArrayLike<number>, expected: tf.Tensor | ArrayLike<number>, tol = 1e-5, what = 'values'): void {
  const a = actual instanceof tf.Tensor ? actual.dataSync() : actual;
  const e = expected instanceof tf.Tensor ? expected.dataSync() : expected;
  assert.equal(a.length, e.length, `${what}: length ${a.length} vs ${e.length}`);
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - e[i]!);
    assert.ok(d <= tol * (1 + Math.abs(e[i]!)), `${what}[${i}]: ${a[i]} vs ${e[i]} (difference ${d})`);
  }
}

/**
 * Checks f against ref on `inputs`: equal outputs, and equal gradients of Σ(output·w) for a fixed random w
 * (so every output element's gradient path is exercised with a different weight).
 */
export function assertSameFunction(f: (...x: tf.Tensor[]) => tf.Tensor, ref: (...x: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[], tol = 1e-5): void {
  tf.tidy(() => {
    const out = f(...inputs);
    assertClose(out, ref(...inputs), tol, 'output');
    const w = randomTensor(out.shape, 99);
    const grad = (g: (...x: tf.Tensor[]) => tf.Tensor) => tf.grads((...x: tf.Tensor[]) => tf.sum(tf.mul(g(...x), w)))(inputs);
    const ga = grad(f);
    const gr = grad(ref);
    ga.forEach((g, i) => assertClose(g, gr[i]!, tol, `gradient of input ${i}`));
  });
}
