import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { skipNative } from './compare.js';

const N = 1 << 16; // the smallest recycled length (src/engine/native/buffers.ts)

/** The typed array behind a tensor on the active backend, read without handing it out. */
function backing(t: tf.Tensor): unknown {
  return (tf.backend() as unknown as { data: { get(id: object): { values: unknown } } }).data.get(t.dataId).values;
}

describe('native backend: recycled tensor buffers', { skip: skipNative }, () => {
  it('a disposed output buffer backs the next output of the same length', () => {
    tf.setBackend('native');
    const a = tf.fill([N], 2);
    const x = tf.add(a, a);
    const first = backing(x);
    x.dispose();
    const y = tf.mul(a, a);
    assert.equal(backing(y), first);
    assert.deepEqual([...y.dataSync().subarray(0, 3)], [4, 4, 4]);
    tf.dispose([a, y]);
  });

  it('never recycles a buffer that was read out or viewed by another tensor', () => {
    tf.setBackend('native');
    const a = tf.fill([2, N], 3);
    const x = tf.add(a, a);
    const read = x.dataSync(); // the array itself on a cpu-family backend
    x.dispose();
    const y = tf.add(a, a);
    assert.notEqual(backing(y), read);
    const z = tf.add(a, a);
    const half = tf.slice(z, [0, 0], [1, N]); // cpu Slice: a subarray view of z's buffer
    z.dispose();
    const w = tf.mul(a, a);
    assert.notEqual((backing(w) as Float32Array).buffer, (backing(half) as Float32Array).buffer);
    tf.dispose(tf.mul(a, 0)); // would overwrite a recycled view
    assert.deepEqual([...half.dataSync().subarray(0, 2)], [6, 6]);
    assert.equal(read[0], 6);
    tf.dispose([a, y, w, half]);
  });
});
