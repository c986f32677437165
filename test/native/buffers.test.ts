import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { sizeClass } from '../../src/engine/native/buffers.js';
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
    assert.equal((backing(y) as Float32Array).buffer, (first as Float32Array).buffer);
    assert.deepEqual([...y.dataSync().subarray(0, 3)], [4, 4, 4]);
    tf.dispose([a, y]);
  });

  it('a buffer serves any length of its size class (unpadded activations change length every batch)', () => {
    tf.setBackend('native');
    // 2^17 + 1000 and 2^17 + 9000 floats share the class 2^17 + 2^14; 2^17 + 20000 is the next one
    const a = tf.fill([(1 << 17) + 1000], 1);
    const x = tf.add(a, a);
    const buffer = (backing(x) as Float32Array).buffer;
    assert.equal(buffer.byteLength, 4 * sizeClass((1 << 17) + 1000));
    x.dispose();
    const b = tf.fill([(1 << 17) + 9000], 2);
    const y = tf.mul(b, b);
    assert.equal((backing(y) as Float32Array).buffer, buffer);
    assert.equal(y.size, (1 << 17) + 9000);
    const v = y.dataSync();
    assert.equal(v.length, (1 << 17) + 9000);
    assert.ok(v.every((e) => e === 4));
    const c = tf.fill([(1 << 17) + 20000], 3);
    const z = tf.add(c, c);
    assert.notEqual((backing(z) as Float32Array).buffer, buffer);
    tf.dispose([a, b, c, y, z]);
  });

  it('size classes: small lengths as they are, then eighths of a power of two', () => {
    assert.equal(sizeClass(100), 100);
    assert.equal(sizeClass(N - 1), N - 1);
    assert.equal(sizeClass(N), N);
    assert.equal(sizeClass(N + 1), N + N / 8);
    assert.equal(sizeClass(1423 * 128), 196608); // 182,144 floats: 2^17 + 4·2^14
    assert.equal(sizeClass(2 ** 20 - 1), 2 ** 20);
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
