/**
 * Σ of many same-shape tensors, in chunks of at most MAX_ADDN_INPUTS.
 *
 * Why: tf.addN runs as one shader with an input binding per tensor. A WebGPU device in compatibility mode (the
 * software renderer, many mobile GPUs) binds at most 8 storage buffers per shader stage, one of them the output,
 * so an AddN of more than 7 inputs is an invalid pipeline there: it computes nothing, and the gradient norm over
 * a model's ~40 weights read back as 0. Summing chunks of 7 and then the partial sums stays within any device's
 * limit; on CPU backends it costs one extra add per 7 inputs. (tfjs-backend-webgpu's Concat already splits so.)
 */
import * as tf from '@tensorflow/tfjs-core';

/** Inputs per AddN: WebGPU compatibility mode's 8 storage buffers per stage, less the output. */
export const MAX_ADDN_INPUTS = 7;

/** xs[0] + xs[1] + … (at least one tensor, all of one shape), never more than `maxInputs` per AddN. */
export function addMany<T extends tf.Tensor>(xs: readonly T[], maxInputs = MAX_ADDN_INPUTS): T {
  if (xs.length === 0) throw new Error('addMany: no tensors to sum');
  if (!(maxInputs >= 2)) throw new Error(`addMany: maxInputs must be at least 2, got ${maxInputs}`);
  return tf.tidy(() => {
    let level: tf.Tensor[] = [...xs];
    while (level.length > 1) {
      const next: tf.Tensor[] = [];
      for (let i = 0; i < level.length; i += maxInputs) {
        const chunk = level.slice(i, i + maxInputs);
        next.push(chunk.length === 1 ? chunk[0]! : tf.addN(chunk));
      }
      level = next;
    }
    // One input: a copy, so the caller may dispose the result and the input independently.
    return (level[0] === xs[0] ? tf.clone(level[0]!) : level[0]!) as T;
  });
}
