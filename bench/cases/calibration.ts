/**
 * The calibration case: a plain 2-D matmul, the best-optimised op on every backend (XNNPACK on wasm). Every
 * other case is reported as a ratio to it, measured in the same round, so numbers from different or busy
 * machines compare.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelCase } from '../types.js';
import { randomTensor } from './shapes.js';

export function matmulCase(name: string, m: number, k: number, n: number): KernelCase {
  return {
    name,
    kernel: name.split('/')[0]!,
    shape: { m, k, n },
    flops: 2 * m * k * n,
    setup() {
      const a = randomTensor([m, k], 1);
      const b = randomTensor([k, n], 2);
      return { run: () => tf.matMul(a, b), dispose: () => tf.dispose([a, b]) };
    },
  };
}

/** [256, 256] × [256, 256]: 33.5 MFLOP, about 2 ms on wasm, long enough to time, short enough to repeat. */
export const calibrationCase: KernelCase = matmulCase('calibration-matmul', 256, 256, 256);
