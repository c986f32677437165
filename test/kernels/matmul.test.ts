import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../src/engine/backends.js';
import { batchMatMul, linear, matMul, sumRows, transAOrientation } from '../../kernels/matmul.js';
import { assertClose, assertSameFunction, randomTensor } from './helpers.js';

let a: tf.Tensor, b: tf.Tensor, bias: tf.Tensor, ga: tf.Tensor, gb: tf.Tensor;
before(async () => {
  await useBackend('cpu');
  [a, b, bias, ga, gb] = [randomTensor([5, 3], 1), randomTensor([3, 4], 2), randomTensor([4], 3), randomTensor([6, 5, 3], 4), randomTensor([6, 3, 7], 5)];
});

test('matMul equals tf.matMul, values and gradients', () => {
  assertSameFunction((x, y) => matMul(x as tf.Tensor2D, y as tf.Tensor2D), (x, y) => tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D), [a, b]);
});

test('linear equals x·w + b, values and gradients', () => {
  assertSameFunction(
    (x, w, c) => linear(x as tf.Tensor2D, w as tf.Tensor2D, c as tf.Tensor1D),
    (x, w, c) => tf.add(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D), c!),
    [a, b, bias],
  );
});

test('batchMatMul equals batched tf.matMul, values and gradients', () => {
  assertSameFunction((x, y) => batchMatMul(x as tf.Tensor3D, y as tf.Tensor3D), (x, y) => tf.matMul(x as tf.Tensor3D, y as tf.Tensor3D), [ga, gb]);
});

test('on wasm: a weight gradient takes the orientation with its larger operand on the left', () => {
  // xᵀ·dy with x [4096,128], dy [4096,512] (an up-projection): transposing dy and packing x is cheaper.
  assert.equal(transAOrientation(4096, 128, 512), 'swapped');
  // x [4096,512], dy [4096,128] (a down-projection): transposing x and packing dy.
  assert.equal(transAOrientation(4096, 512, 128), 'direct');
  assert.equal(transAOrientation(6, 9, 2), 'direct');
  assert.equal(transAOrientation(6, 2, 9), 'swapped');
});

for (const [k, m] of [[9, 2], [2, 9]] as const) {
  test(`on wasm: the weight gradient of x [6,${k}] · w [${k},${m}] (${transAOrientation(6, k, m)} orientation) matches cpu`, async () => {
    const inputs = [randomTensor([6, k], 21), randomTensor([k, m], 22), randomTensor([6, m], 23)].map((t) => t.dataSync().slice());
    const run = () =>
      tf.tidy(() => {
        const [x, w, g] = [tf.tensor2d(inputs[0]!, [6, k]), tf.tensor2d(inputs[1]!, [k, m]), tf.tensor2d(inputs[2]!, [6, m])];
        return tf.grads((xi: tf.Tensor, wi: tf.Tensor) => tf.sum(tf.mul(matMul(xi as tf.Tensor2D, wi as tf.Tensor2D), g)))([x, w]).map((t) => t.dataSync().slice());
      });
    const onCpu = run();
    await useBackend('wasm');
    const onWasm = run();
    await useBackend('cpu');
    onWasm.forEach((v, i) => assertClose(v, onCpu[i]!, 1e-5, `gradient ${i}`));
  });
}

test('on wasm: every matmul path (XNNPACK slices, explicit transposes, ones-product sums) matches cpu', async () => {
  const inputs = [a, b, bias, ga, gb].map((t) => t.dataSync().slice());
  const run = () =>
    tf.tidy(() => {
      const [x, y, c, p, q] = [a, b, bias, ga, gb].map((t, i) => tf.tensor(inputs[i]!, t.shape));
      const f = (u: tf.Tensor, v: tf.Tensor, w: tf.Tensor, s: tf.Tensor, r: tf.Tensor) =>
        tf.add(tf.sum(linear(u as tf.Tensor2D, v as tf.Tensor2D, w as tf.Tensor1D)), tf.sum(tf.square(batchMatMul(s as tf.Tensor3D, r as tf.Tensor3D))));
      const grads = tf.grads(f)([x!, y!, c!, p!, q!]);
      return [f(x!, y!, c!, p!, q!), ...grads, sumRows(x as tf.Tensor2D)].map((t) => t.dataSync().slice());
    });
  const onCpu = run();
  await useBackend('wasm');
  const onWasm = run();
  await useBackend('cpu');
  onWasm.forEach((v, i) => assertClose(v, onCpu[i]!, 1e-5, `result ${i}`));
});
