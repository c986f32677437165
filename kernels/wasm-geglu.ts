/**
 * GELU and GeGLU's gelu(a)·b on wasm as one SIMD pass forward and one backward (kernels/wasm/kernels.c), on
 * every wasm thread (wasm-simd.ts), instead of ~6 tfjs ops forward and ~10 backward over the [N, I] activation.
 * The same tanh-form GELU as gelu.ts: gelu(a) = a·σ(u), u = 2√(2/π)·a·(1 + 0.044715·a²). σ uses mbench's own
 * vectorised exp (relative error below 2e-7), so values differ from the tfjs-op form by float rounding only.
 * Saved for the backward pass: a and b (σ is recomputed there, which is cheaper than keeping it).
 */
import * as tf from '@tensorflow/tfjs-core';
import { customOp } from './custom-op.js';
import { registerWasmKernel, type WasmBackendInternals } from './wasm-fast-path.js';
import { simdKernels } from './wasm-simd.js';

export const GEGLU = 'MbenchGeglu';
export const GEGLU_GRAD = 'MbenchGegluGrad';

type Args = { inputs: tf.NamedTensorInfoMap; backend: unknown };

function offset(be: WasmBackendInternals, t: tf.TensorInfo | undefined): number {
  return t === undefined ? 0 : be.dataIdMap.get(t.dataId).memoryOffset;
}

function sizeOf(t: tf.TensorInfo): number {
  return t.shape.reduce((x, y) => x * y, 1);
}

function checkInputs(name: string, ts: Array<tf.TensorInfo | undefined>): void {
  const first = ts[0]!;
  for (const t of ts)
    if (t !== undefined && (t.dtype !== 'float32' || t.shape.join() !== first.shape.join()))
      throw new Error(`${name}: float32 tensors of one shape expected, got ${t.dtype} [${t.shape}] and [${first.shape}]`);
}

function forwardKernel({ inputs, backend }: Args): tf.TensorInfo {
  const be = backend as WasmBackendInternals;
  const { a, b } = inputs as { a: tf.TensorInfo; b?: tf.TensorInfo };
  checkInputs(GEGLU, [a, b]);
  const h = be.makeOutput([...a.shape], 'float32');
  simdKernels(be).gegluForward(offset(be, a), offset(be, b), offset(be, h), sizeOf(a));
  return h;
}

function backwardKernel({ inputs, backend }: Args): tf.TensorInfo[] {
  const be = backend as WasmBackendInternals;
  const { dy, a, b } = inputs as { dy: tf.TensorInfo; a: tf.TensorInfo; b?: tf.TensorInfo };
  checkInputs(GEGLU_GRAD, [dy, a, b]);
  const da = be.makeOutput([...a.shape], 'float32');
  const db = b === undefined ? undefined : be.makeOutput([...b.shape], 'float32');
  simdKernels(be).gegluBackward(offset(be, dy), offset(be, a), offset(be, b), offset(be, da), offset(be, db), sizeOf(a));
  return db === undefined ? [da] : [da, db];
}

function register(): void {
  registerWasmKernel(GEGLU, forwardKernel);
  registerWasmKernel(GEGLU_GRAD, backwardKernel);
}

const gegluOp = customOp<tf.Tensor>(([a, b], save) => {
  save([a!, b!]);
  return {
    value: tf.engine().runKernel(GEGLU, { a: a!, b: b! }) as tf.Tensor,
    gradFunc: (dy, saved) => {
      const [sa, sb] = saved as [tf.Tensor, tf.Tensor];
      return tf.engine().runKernel(GEGLU_GRAD, { dy, a: sa, b: sb }) as tf.Tensor[];
    },
  };
});

const geluOp = customOp<tf.Tensor>(([a], save) => {
  save([a!]);
  return {
    value: tf.engine().runKernel(GEGLU, { a: a! }) as tf.Tensor,
    gradFunc: (dy, saved) => (tf.engine().runKernel(GEGLU_GRAD, { dy, a: saved[0]! }) as tf.Tensor[])[0]!,
  };
});

/** gelu(a)·b elementwise (same shapes), wasm only. */
export function wasmGeglu<T extends tf.Tensor>(a: T, b: T): T {
  register();
  return gegluOp(a, b) as T;
}

/** gelu(a) elementwise, wasm only. */
export function wasmGelu<T extends tf.Tensor>(a: T): T {
  register();
  return geluOp(a) as T;
}
