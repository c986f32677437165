/**
 * The optimizer of a training run: AdamW moments for every trainable weight, one `step` per batch (gradients →
 * global-norm clipping → decoupled AdamW), and conversion to and from checkpoint arrays.
 *
 * Two placements of the same arithmetic: 'device' (the default) keeps the moments as tensors and updates with
 * the backend's kernels: a fused update where the backend registers one (native; wasm, which also clips inside
 * it: kernels/wasm-adamw.ts), else tfjs ops. 'host' keeps them in Float32Arrays and updates each weight in one
 * fused JS loop (adamwHostStep). Measured on wasm with mosaic tiny's 4.5M weights, the device placement with
 * tfjs ops already beat the host loop (median 174 vs 272 CPU ms per step); the fused SIMD update takes 34 ms
 * against those ops' 98 (wall, one run: scripts in docs/wasm.md). 'host' stays for backends where elementwise
 * ops are slow.
 *
 * Every read-back (loss, norm, the host placement's gradients, checkpoint arrays) is `await t.data()`: webgpu has
 * no synchronous read under Node, and on the CPU backends data() costs a resolved promise more than dataSync.
 */
import * as tf from '@tensorflow/tfjs-core';
import { adamwApply, adamwHostStep, fusedSumSquares, isDecayed, zeroMoments, type AdamWConfig, type Moments } from '../../kernels/adamw.js';
import { clipByGlobalNorm, clipCoefficient } from './clip.js';
import type { NamedArray } from './checkpoint.js';
import type { NamedWeight } from './types.js';

export type OptimizerPlacement = 'device' | 'host';

/** The placement used unless a run asks for another (see the file comment for the measurement). */
export const DEFAULT_PLACEMENT: OptimizerPlacement = 'device';

export interface StepResult {
  /** Loss before the update and the pre-clip global gradient norm, read back from the device. */
  loss: number;
  gradNorm: number;
}

/**
 * A step applied but not yet read back: the loss and the norm are still device scalars (the norm is a number
 * where the backend's fused clipping computed it on the host). The caller owns and disposes the tensors.
 */
export interface PendingStep {
  loss: tf.Scalar;
  gradNorm: tf.Scalar | number;
}

interface HostMoments {
  m: Float32Array;
  v: Float32Array;
}

export class AdamWOptimizer {
  private readonly device: Moments[] = [];
  private readonly host: HostMoments[] = [];

  constructor(
    private readonly weights: readonly NamedWeight[],
    private readonly config: AdamWConfig,
    private readonly clipNorm: number,
    readonly placement: OptimizerPlacement = DEFAULT_PLACEMENT,
  ) {
    for (const w of weights) {
      if (placement === 'device') this.device.push(zeroMoments(w.variable));
      else this.host.push({ m: new Float32Array(w.variable.size), v: new Float32Array(w.variable.size) });
    }
  }

  /**
   * Computes the gradients of `lossFn` with respect to every weight, clips them to `clipNorm`, and applies one
   * AdamW update with learning rate `lr`. `t` is the 1-based step number (for bias correction). The loss and
   * norm are read with `data()`, which every backend has (webgpu has no synchronous read under Node).
   */
  async step(lossFn: () => tf.Scalar, t: number, lr: number, peakLr: number): Promise<StepResult> {
    if (this.placement === 'host') return this.hostStep(lossFn, t, lr, peakLr);
    const pending = this.update(lossFn, t, lr, peakLr);
    try {
      const loss = (await pending.loss.data())[0]!;
      const gradNorm = typeof pending.gradNorm === 'number' ? pending.gradNorm : (await pending.gradNorm.data())[0]!;
      return { loss, gradNorm };
    } finally {
      tf.dispose([pending.loss, ...(typeof pending.gradNorm === 'number' ? [] : [pending.gradNorm])]);
    }
  }

  /**
   * `step` without the read-back, for the device placement: everything stays queued on the device (what a GPU
   * wants between reads). The kernel benchmark times this.
   */
  update(lossFn: () => tf.Scalar, t: number, lr: number, peakLr: number): PendingStep {
    if (this.placement === 'host') throw new Error("AdamWOptimizer.update: the 'host' placement reads gradients back; use step()");
    const vars = this.weights.map((w) => w.variable);
    const { value, grads } = tf.variableGrads(lossFn, vars);
    try {
      // Weights that did not take part in the loss get no gradient and no update (as torch skips grad=None).
      const present = vars.map((v) => grads[v.name] ?? null);
      return { loss: value, gradNorm: this.deviceUpdate(present, t, lr, peakLr) };
    } catch (err) {
      value.dispose();
      throw err;
    } finally {
      tf.dispose(Object.values(grads));
    }
  }

  private deviceUpdate(present: Array<tf.Tensor | null>, t: number, lr: number, peakLr: number): tf.Scalar | number {
    const vars = this.weights.map((w) => w.variable);
    const sumSquares = fusedSumSquares();
    if (sumSquares) {
      // The backend clips inside its fused update (wasm: kernels/wasm-adamw.ts): no clipped copies.
      let total = 0;
      for (const g of present) if (g !== null) total += sumSquares(g);
      const gradNorm = Math.sqrt(total);
      const scale = this.clipNorm > 0 && Number.isFinite(this.clipNorm) ? clipCoefficient(gradNorm, this.clipNorm) : 1;
      present.forEach((g, i) => {
        if (g !== null) adamwApply(vars[i]!, g, this.device[i]!, t, lr, peakLr, this.config, scale);
      });
      return gradNorm;
    }
    const { grads: clipped, norm } = clipByGlobalNorm(present.filter((g): g is tf.Tensor => g !== null), this.clipNorm);
    let k = 0;
    present.forEach((g, i) => {
      if (g !== null) adamwApply(vars[i]!, clipped[k++]!, this.device[i]!, t, lr, peakLr, this.config);
    });
    tf.dispose(clipped);
    return norm;
  }

  private async hostStep(lossFn: () => tf.Scalar, t: number, lr: number, peakLr: number): Promise<StepResult> {
    const vars = this.weights.map((w) => w.variable);
    const { value, grads } = tf.variableGrads(lossFn, vars);
    try {
      const present = vars.map((v) => grads[v.name] ?? null);
      const gs = await Promise.all(present.map(async (g) => (g === null ? null : ((await g.data()) as Float32Array))));
      const params = await Promise.all(vars.map(async (v) => (await v.data()) as Float32Array));
      let sumSquares = 0; // float64 accumulation of ‖g‖²
      for (const g of gs) if (g) for (let i = 0; i < g.length; i++) sumSquares += g[i]! * g[i]!;
      const gradNorm = Math.sqrt(sumSquares);
      const scale = this.clipNorm > 0 && Number.isFinite(this.clipNorm) ? clipCoefficient(gradNorm, this.clipNorm) : 1;
      gs.forEach((g, i) => {
        if (!g) return;
        const variable = vars[i]!;
        const h = this.host[i]!;
        const next = adamwHostStep(params[i]!, g, scale, h.m, h.v, t, lr, peakLr, this.config, isDecayed(variable.shape));
        tf.tidy(() => variable.assign(tf.tensor(next, variable.shape, 'float32')));
      });
      return { loss: (await value.data())[0]!, gradNorm };
    } finally {
      tf.dispose([value, ...Object.values(grads)]);
    }
  }

  /** Weights and moments as checkpoint arrays (copies), read with data() (see `step`). */
  async toArrays(): Promise<NamedArray[]> {
    const out: NamedArray[] = [];
    for (const [i, w] of this.weights.entries()) {
      const shape = [...w.variable.shape];
      const [m, v] = this.placement === 'host' ? [this.host[i]!.m, this.host[i]!.v] : await Promise.all([this.device[i]!.m.data(), this.device[i]!.v.data()]);
      out.push({ name: w.name, kind: 'weight', shape, data: Float32Array.from((await w.variable.data()) as Float32Array) });
      out.push({ name: w.name, kind: 'adam.m', shape, data: Float32Array.from(m as Float32Array) });
      out.push({ name: w.name, kind: 'adam.v', shape, data: Float32Array.from(v as Float32Array) });
    }
    return out;
  }

  /** Restores weights and moments; returns a problem description instead of throwing, for the caller to name the file. */
  loadArrays(arrays: readonly NamedArray[]): string | null {
    const byKey = new Map(arrays.map((a) => [`${a.kind}:${a.name}`, a]));
    for (const w of this.weights) {
      for (const kind of ['weight', 'adam.m', 'adam.v'] as const) {
        const a = byKey.get(`${kind}:${w.name}`);
        if (!a) return `it has no ${kind} tensor '${w.name}'`;
        if (a.shape.join('x') !== w.variable.shape.join('x')) return `tensor '${w.name}' has shape [${a.shape}], the model expects [${w.variable.shape}]`;
      }
    }
    this.weights.forEach((w, i) => {
      const get = (kind: string): NamedArray => byKey.get(`${kind}:${w.name}`)!;
      tf.tidy(() => w.variable.assign(tf.tensor(Float32Array.from(get('weight').data), w.variable.shape, 'float32')));
      if (this.placement === 'host') {
        this.host[i]!.m.set(get('adam.m').data);
        this.host[i]!.v.set(get('adam.v').data);
      } else {
        tf.tidy(() => this.device[i]!.m.assign(tf.tensor(get('adam.m').data, w.variable.shape, 'float32')));
        tf.tidy(() => this.device[i]!.v.assign(tf.tensor(get('adam.v').data, w.variable.shape, 'float32')));
      }
    });
    return null;
  }

  dispose(): void {
    for (const m of this.device) tf.dispose([m.m, m.v]);
  }
}
