/**
 * The optimizer of a training run: AdamW moments for every trainable weight, one `step` per batch (gradients →
 * global-norm clipping → decoupled AdamW), and conversion to and from checkpoint arrays.
 */
import * as tf from '@tensorflow/tfjs-core';
import { adamwApply, zeroMoments, type AdamWConfig, type Moments } from './adamw.js';
import { clipByGlobalNorm } from './clip.js';
import type { NamedArray } from './checkpoint.js';
import type { NamedWeight } from './types.js';

export interface StepResult {
  /** Loss before the update and the pre-clip global gradient norm, read back from the device. */
  loss: number;
  gradNorm: number;
}

export class AdamWOptimizer {
  private readonly moments: Moments[];
  constructor(
    private readonly weights: readonly NamedWeight[],
    private readonly config: AdamWConfig,
    private readonly clipNorm: number,
  ) {
    this.moments = weights.map((w) => zeroMoments(w.variable));
  }

  /**
   * Computes the gradients of `lossFn` with respect to every weight, clips them to `clipNorm`, and applies one
   * AdamW update with learning rate `lr`. `t` is the 1-based step number (for bias correction).
   */
  step(lossFn: () => tf.Scalar, t: number, lr: number, peakLr: number): StepResult {
    const vars = this.weights.map((w) => w.variable);
    const { value, grads } = tf.variableGrads(lossFn, vars);
    // Weights that did not take part in the loss get no gradient and no update (as torch skips grad=None).
    const present = vars.map((v) => grads[v.name] ?? null);
    const { grads: clipped, norm } = clipByGlobalNorm(
      present.filter((g): g is tf.Tensor => g !== null),
      this.clipNorm,
    );
    let k = 0;
    present.forEach((g, i) => {
      if (g === null) return;
      adamwApply(vars[i]!, clipped[k++]!, this.moments[i]!, t, lr, peakLr, this.config);
    });
    const [loss, gradNorm] = [value.dataSync()[0]!, norm.dataSync()[0]!];
    tf.dispose([value, norm, ...clipped, ...Object.values(grads)]);
    return { loss, gradNorm };
  }

  /** Weights and moments as checkpoint arrays. */
  toArrays(): NamedArray[] {
    const out: NamedArray[] = [];
    this.weights.forEach((w, i) => {
      const shape = [...w.variable.shape];
      out.push({ name: w.name, kind: 'weight', shape, data: w.variable.dataSync() as Float32Array });
      out.push({ name: w.name, kind: 'adam.m', shape, data: this.moments[i]!.m.dataSync() as Float32Array });
      out.push({ name: w.name, kind: 'adam.v', shape, data: this.moments[i]!.v.dataSync() as Float32Array });
    });
    return out;
  }

  /** Restores weights and moments; returns a problem description instead of throwing, for the caller to name the file. */
  loadArrays(arrays: readonly NamedArray[]): string | null {
    const byKey = new Map(arrays.map((a) => [`${a.kind}:${a.name}`, a]));
    for (let i = 0; i < this.weights.length; i++) {
      const w = this.weights[i]!;
      const targets: Array<[string, tf.Variable]> = [
        ['weight', w.variable],
        ['adam.m', this.moments[i]!.m],
        ['adam.v', this.moments[i]!.v],
      ];
      for (const [kind, variable] of targets) {
        const a = byKey.get(`${kind}:${w.name}`);
        if (!a) return `it has no ${kind} tensor '${w.name}'`;
        if (a.shape.join('x') !== variable.shape.join('x')) return `tensor '${w.name}' has shape [${a.shape}], the model expects [${variable.shape}]`;
      }
    }
    this.weights.forEach((w, i) => {
      for (const [kind, variable] of [['weight', w.variable], ['adam.m', this.moments[i]!.m], ['adam.v', this.moments[i]!.v]] as const) {
        const a = byKey.get(`${kind}:${w.name}`)!;
        tf.tidy(() => variable.assign(tf.tensor(a.data, a.shape, 'float32')));
      }
    });
    return null;
  }

  dispose(): void {
    for (const m of this.moments) tf.dispose([m.m, m.v]);
  }
}
