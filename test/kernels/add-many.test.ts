/**
 * addMany (kernels/add-many.ts): the sum of many tensors with no AddN over 7 inputs, and the global gradient norm
 * built on it. On webgpu (when available) the norm over ~40 tensors once read back as 0: it is checked against cpu.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../src/engine/backends.js';
import { addMany, MAX_ADDN_INPUTS } from '../../kernels/add-many.js';
import { globalNorm } from '../../src/train/clip.js';
import { randomTensor } from './helpers.js';
import { webgpuGate } from '../engine/webgpu-gate.js';

const gate = await webgpuGate();

/** The input counts of every AddN kernel `f` runs. */
async function addNInputCounts(f: () => tf.Tensor): Promise<number[]> {
  const info = await tf.profile(() => f());
  return info.kernels.filter((k) => k.name === 'AddN').map((k) => k.inputShapes.length);
}

test('addMany equals the plain sum for 1, 2, 7, 8, 15 and 42 inputs, with at most 7 inputs per AddN', async () => {
  await useBackend('cpu');
  assert.equal(MAX_ADDN_INPUTS, 7);
  for (const n of [1, 2, 7, 8, 15, 42]) {
    const xs = Array.from({ length: n }, (_, i) => randomTensor([3, 5], 100 + i));
    const got = addMany(xs);
    let want = new Float64Array(15);
    for (const x of xs) want = want.map((v, j) => v + x.dataSync()[j]!);
    const g = await got.data();
    for (let j = 0; j < 15; j++) assert.ok(Math.abs(g[j]! - want[j]!) < 1e-5, `n=${n} [${j}]: ${g[j]} vs ${want[j]}`);
    const counts = await addNInputCounts(() => addMany(xs));
    assert.ok(counts.every((c) => c <= 7), `n=${n}: AddN inputs ${counts}`);
    // 42 → 6 chunks of 7, then one AddN of the 6 partial sums
    if (n === 42) assert.deepEqual(counts, [7, 7, 7, 7, 7, 7, 6]);
    if (n === 1) assert.deepEqual(counts, [], 'one input: a copy, no AddN');
    tf.dispose([...xs, got]);
  }
  assert.throws(() => addMany([]), /no tensors/);
  assert.throws(() => addMany([tf.scalar(1)], 1), /at least 2/);
});

test('addMany leaves its inputs alone and leaks nothing', async () => {
  await useBackend('cpu');
  const xs = Array.from({ length: 9 }, (_, i) => tf.scalar(i + 1));
  const before = tf.memory().numTensors;
  const s = addMany(xs);
  assert.equal((await s.data())[0], 45);
  s.dispose();
  assert.equal(tf.memory().numTensors, before);
  assert.ok(xs.every((x) => !x.isDisposed));
  const single = addMany([xs[0]!]);
  single.dispose();
  assert.ok(!xs[0]!.isDisposed, 'the one-input result is a copy');
  tf.dispose(xs);
});

test('webgpu: the global norm over 42 gradients matches cpu (it read back as 0 with one AddN)', { skip: gate.skip }, async () => {
  const shapes = Array.from({ length: 42 }, (_, i) => [1 + (i % 5), 3 + (i % 4)]);
  const norm = async (): Promise<number> => {
    const gs = shapes.map((s, i) => randomTensor(s, 7 + i));
    const n = globalNorm(gs);
    const v = (await n.data())[0]!;
    tf.dispose([n, ...gs]);
    return v;
  };
  await useBackend('cpu');
  const cpu = await norm();
  await useBackend('webgpu');
  const gpu = await norm();
  assert.ok(cpu > 1, `cpu norm ${cpu}`);
  assert.ok(Math.abs(gpu - cpu) <= 1e-5 * cpu, `webgpu ${gpu} vs cpu ${cpu}`);
});
