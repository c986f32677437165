/**
 * One AdamW step in place on the `native` backend: p, m, v are updated in their own buffers by one native pass
 * (7 floats of traffic per parameter) instead of ~12 tfjs ops that each allocate a tensor. Same formula as
 * kernels/adamw.ts (torch.optim.AdamW's form; see kernels/native/src/elementwise.h). A buffer shared with
 * another tensor (tfjs shares data between a variable and the tensor it was made from, or a reshape) is not
 * written in place: the variable is assigned a fresh copy instead, so no other tensor changes.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { requireAddon } from './addon.js';
import { NATIVE_BACKEND } from './backend.js';
import { tensorF32 } from './tensors.js';
import { biasCorrections } from '../../../kernels/adamw.js';

export interface NativeAdamWStep {
  beta1: number;
  beta2: number;
  eps: number;
  /** p's multiplier before the Adam step: 1 − lr·wd (kernels/adamw.ts decayFactor), 1 when not decayed. */
  shrink: number;
  /** lr and the 1-based step number t. */
  lr: number;
  t: number;
}

/** The variable's own buffer when no other tensor shares it, else null. */
function ownBuffer(backend: MathBackendCPU, v: tf.Variable): Float32Array | null {
  const d = backend.data.get(v.dataId) as { values: unknown; refCount: number };
  return d.refCount === 1 && d.values instanceof Float32Array ? d.values : null;
}

/** Updates p, m, v (variables of one shape) with gradient g. Requires the `native` backend to be active. */
export function nativeAdamWStep(p: tf.Variable, g: tf.Tensor, m: tf.Variable, v: tf.Variable, s: NativeAdamWStep): void {
  if (tf.getBackend() !== NATIVE_BACKEND) throw new Error(`nativeAdamWStep needs the '${NATIVE_BACKEND}' backend (active: ${tf.getBackend()})`);
  const addon = requireAddon();
  const backend = tf.backend() as MathBackendCPU;
  const bufs = [p, m, v].map((x) => ownBuffer(backend, x));
  const arrays = bufs.map((b, i) => b ?? Float32Array.from([p, m, v][i]!.dataSync() as Float32Array)) as [Float32Array, Float32Array, Float32Array];
  const { bc1, bc2 } = biasCorrections(s.t, s);
  addon.adamw(arrays[0], tensorF32(g), arrays[1], arrays[2], s.beta1, s.beta2, s.eps, s.shrink, s.lr / bc1, Math.sqrt(bc2));
  [p, m, v].forEach((x, i) => {
    if (bufs[i] === null) tf.tidy(() => x.assign(tf.tensor(arrays[i]!, x.shape, 'float32')));
  });
}
