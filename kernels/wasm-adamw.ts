/**
 * The optimizer step on wasm as two SIMD passes (kernels/wasm/kernels.c) instead of ~16 tfjs ops per weight:
 * `wasmSumSquares` for the global gradient norm (float64 accumulation), and `wasmAdamW`, which applies the
 * clip factor and the AdamW update in one read of p, g, m, v. Each tfjs op is a full pass over the weight
 * (tfjs-wasm's elementwise kernels are scalar): at vocabulary 30522 mosaic tiny has 4.5 M weights, the
 * embedding table alone 3.9 M. The new values go to fresh tensors, which the variables are assigned: updating
 * a weight in place would leave XNNPACK's packed copy of it (cached on the tensor) stale.
 */
import * as tf from '@tensorflow/tfjs-core';
import { biasCorrections, type FusedAdamW } from './adamw.js';
import { registerWasmKernel, type WasmBackendInternals } from './wasm-fast-path.js';
import { simdKernels } from './wasm-simd.js';

export const ADAMW = 'MbenchAdamW';

interface AdamWAttrs {
  gScale: number;
  beta1: number;
  beta2: number;
  eps: number;
  shrink: number;
  stepSize: number;
  invSqrtBc2: number;
}

function offset(be: WasmBackendInternals, t: tf.TensorInfo): number {
  return be.dataIdMap.get(t.dataId).memoryOffset;
}

function adamwKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: unknown }): tf.TensorInfo[] {
  const be = args.backend as WasmBackendInternals;
  const { p, g, m, v } = args.inputs as Record<'p' | 'g' | 'm' | 'v', tf.TensorInfo>;
  for (const t of [g, m, v])
    if (t.dtype !== 'float32' || t.shape.join() !== p.shape.join()) throw new Error(`${ADAMW}: float32 tensors of one shape expected`);
  const a = args.attrs as unknown as AdamWAttrs;
  const outs = [p, m, v].map((t) => be.makeOutput([...t.shape], 'float32'));
  const n = p.shape.reduce((x, y) => x * y, 1);
  simdKernels(be).adamw(offset(be, p), offset(be, g), offset(be, m), offset(be, v), offset(be, outs[0]!), offset(be, outs[1]!), offset(be, outs[2]!), n,
    a.gScale, a.beta1, a.beta2, a.eps, a.shrink, a.stepSize, a.invSqrtBc2);
  return outs;
}

/** Σ g² over a float32 tensor on wasm, in float64 (no tfjs op, no copy). */
export function wasmSumSquares(g: tf.Tensor): number {
  const be = tf.backend() as unknown as WasmBackendInternals;
  if (g.dtype !== 'float32') throw new Error('wasmSumSquares: float32 only');
  return simdKernels(be).sumSquares(offset(be, g), g.size);
}

/** AdamW on wasm (FusedAdamW): p, m, v get new tensors computed in one SIMD pass. */
export const wasmAdamW: FusedAdamW = (p, g, m, v, s) => {
  registerWasmKernel(ADAMW, adamwKernel);
  const { bc1, bc2 } = biasCorrections(s.t, s);
  const attrs: AdamWAttrs = { gScale: s.gScale ?? 1, beta1: s.beta1, beta2: s.beta2, eps: s.eps, shrink: s.shrink, stepSize: s.lr / bc1, invSqrtBc2: 1 / Math.sqrt(bc2) };
  const [pn, mn, vn] = tf.engine().runKernel(ADAMW, { p, g, m, v }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
  p.assign(pn!);
  m.assign(mn!);
  v.assign(vn!);
  tf.dispose([pn!, mn!, vn!]);
};
