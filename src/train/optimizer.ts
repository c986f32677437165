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
 * One microbatch of a step: its loss (a mean over its masked tokens) and its weight, its share of the step's
 * masked tokens. Σ weight·loss over the step's microbatches (on every rank) is the whole batch's mean loss, and
 * so is the sum of their gradients: the update is the whole batch's whatever the split.
 */
export interface LossPart {
  loss: () => tf.Scalar;
  weight: number;
}

/**
 * Data parallelism for one step: `allreduceSum` sums a flat buffer over the ranks in place (MPI_Allreduce,
 * src/engine/collectives.ts). The step's gradients, which weights got one, the loss and the caller's `extra`
 * values travel in one buffer, one call per step.
 */
export interface StepReduction {
  allreduceSum(buffer: Float32Array): void;
  /** Waits for every rank (MPI_Barrier) just before the sum, so that the time spent waiting for the slowest rank
   *  is told apart from the time the exchange itself takes. */
  barrier?(): void;
  /** Values summed with the gradients (flags, counts); the sums come back in AccumulatedStep.extra. */
  extra?: readonly number[];
}

export interface AccumulatedStep extends StepResult {
  /** The reduced `extra` values (empty without a reduction). */
  extra: number[];
  /** Seconds spent copying to and from the flat buffer and in allreduceSum (0 without a reduction), not
   *  counting rankWaitSeconds. */
  communicationSeconds: number;
  /** Seconds this rank waited at the barrier for the slowest rank to finish its part of the step. */
  rankWaitSeconds: number;
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
  /** The flat buffer of the ranks' exchange, kept from step to step (see reduceAcrossRanks). */
  private exchangeBuffer: Float32Array | null = null;
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
    const { loss, gradNorm } = await this.stepAccumulated([{ loss: lossFn, weight: 1 }], t, lr, peakLr);
    return { loss, gradNorm };
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

  /**
   * One update from several microbatches (gradient accumulation): each part's gradient is taken of weight·loss
   * and summed, then — with `reduction` — summed over the ranks, then clipped and applied once. A part of weight 1
   * is differentiated as it is, so a step of one part computes exactly what `step` always did.
   */
  async stepAccumulated(parts: readonly LossPart[], t: number, lr: number, peakLr: number, reduction?: StepReduction): Promise<AccumulatedStep> {
    const vars = this.weights.map((w) => w.variable);
    // Weights that did not take part in the loss get no gradient and no update (as torch skips grad=None).
    let present: Array<tf.Tensor | null> = vars.map(() => null);
    try {
      let loss = 0;
      for (const part of parts) {
        const weighted = part.weight === 1 ? part.loss : () => tf.mul(part.loss(), part.weight) as tf.Scalar;
        const { value, grads } = tf.variableGrads(weighted, vars);
        loss += (await value.data().finally(() => value.dispose()))[0]!;
        present = vars.map((v, i) => sumInto(present[i]!, grads[v.name] ?? null));
      }
      let extra: number[] = [];
      let communicationSeconds = 0;
      let rankWaitSeconds = 0;
      if (reduction) {
        const t0 = performance.now();
        const reduced = await reduceAcrossRanks(vars, present, loss, reduction, this.exchangeBuffer);
        this.exchangeBuffer = reduced.buffer;
        tf.dispose(present.filter((g): g is tf.Tensor => g !== null));
        ({ present, loss, extra, rankWaitSeconds } = reduced);
        communicationSeconds = (performance.now() - t0) / 1000 - rankWaitSeconds;
      }
      const norm = this.placement === 'host' ? await this.hostUpdate(present, t, lr, peakLr) : this.deviceUpdate(present, t, lr, peakLr);
      const gradNorm = typeof norm === 'number' ? norm : (await norm.data().finally(() => norm.dispose()))[0]!;
      return { loss, gradNorm, extra, communicationSeconds, rankWaitSeconds };
    } finally {
      tf.dispose(present.filter((g): g is tf.Tensor => g !== null));
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

  private async hostUpdate(present: Array<tf.Tensor | null>, t: number, lr: number, peakLr: number): Promise<number> {
    const vars = this.weights.map((w) => w.variable);
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
    return gradNorm;
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

/** a + b, disposing both (either may be absent: a weight with no gradient from that part). */
function sumInto(a: tf.Tensor | null, b: tf.Tensor | null): tf.Tensor | null {
  if (a === null) return b;
  if (b === null) return a;
  const sum = tf.add(a, b);
  tf.dispose([a, b]);
  return sum;
}

/**
 * The step's local sums → the sums over every rank, through one flat buffer, the same one every step (`reuse`):
 * on one 2-core machine a fresh 48 MB buffer a step (mini) cost up to 47 ms to allocate and made the allreduce
 * itself 2–3× slower than on memory the ranks had used before. The summed gradients come back as views of it,
 * which the caller disposes before the next step (stepAccumulated's finally), so reusing it is safe.
 *   [ gradients of every weight, in order | one presence flag per weight | loss | extra… ]
 * A weight absent on this rank contributes zeros and flag 0; it gets a gradient when any rank had one, so every
 * rank updates the same weights with the same numbers.
 */
async function reduceAcrossRanks(
  vars: readonly tf.Variable[],
  grads: ReadonlyArray<tf.Tensor | null>,
  loss: number,
  r: StepReduction,
  reuse: Float32Array | null,
): Promise<{ present: Array<tf.Tensor | null>; loss: number; extra: number[]; rankWaitSeconds: number; buffer: Float32Array }> {
  const offsets: number[] = [];
  let total = 0;
  for (const v of vars) {
    offsets.push(total);
    total += v.size;
  }
  const extra = r.extra ?? [];
  const length = total + vars.length + 1 + extra.length;
  const flat = reuse?.length === length ? reuse : new Float32Array(length);
  for (const [i, g] of grads.entries()) {
    if (g === null) flat.fill(0, offsets[i], offsets[i]! + vars[i]!.size);
    else flat.set((await g.data()) as Float32Array, offsets[i]);
    flat[total + i] = g === null ? 0 : 1;
  }
  flat[total + vars.length] = loss;
  extra.forEach((x, i) => (flat[total + vars.length + 1 + i] = x));
  const waitStart = performance.now();
  r.barrier?.();
  const rankWaitSeconds = (performance.now() - waitStart) / 1000;
  r.allreduceSum(flat);
  const present = vars.map((v, i) => (flat[total + i]! > 0 ? tf.tensor(flat.subarray(offsets[i], offsets[i]! + v.size), v.shape, 'float32') : null));
  return { present, loss: flat[total + vars.length]!, extra: Array.from(flat.subarray(total + vars.length + 1)), rankWaitSeconds, buffer: flat };
}
