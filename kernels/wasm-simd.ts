/**
 * mbench's own wasm SIMD kernels (kernels/wasm/kernels.c), run directly on tfjs-wasm's heap.
 *
 * The module imports tfjs-wasm's WebAssembly.Memory (shared in tfjs's threaded build, plain in its
 * single-threaded one, so there is one binary per kind), and its functions take byte offsets into that heap:
 * a kernel reads a tensor where tfjs keeps it and writes into an output tfjs allocated, with no copy through
 * JavaScript. The code uses no memory of its own (no data, no stack: scripts/build-wasm-kernels.sh builds it
 * that way and `--check` keeps the committed binaries equal to the source).
 *
 * Why: tfjs-wasm's Transpose walks its output element by element (~8 ns per float here) and a JavaScript
 * tiled loop still costs 3–6 ns, while the 4 × 4 SIMD shuffles here move a float in well under 1 ns.
 * Transposes are on the hot path because XNNPACK only takes plain 2-D products (kernels/matmul.ts).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';

export interface SimdKernels {
  /** dst[b][j][i] = src[b][i][j] for `batch` matrices [rows, cols] of 32-bit elements; byte offsets. */
  transpose32(src: number, dst: number, batch: number, rows: number, cols: number): void;
  /** out[r] = max of row r of x [rows, cols] float32 (NaN when the row has one); byte offsets. */
  rowMax(x: number, out: number, rows: number, cols: number): void;
  /** Σ x[i]² over n float32 values at byte offset x, accumulated in float64. */
  sumSquares(x: number, n: number): number;
  /** One AdamW update of n values (kernels/wasm/kernels.c); byte offsets, outputs may be the inputs. */
  adamw(p: number, g: number, m: number, v: number, pOut: number, mOut: number, vOut: number, n: number,
    gScale: number, beta1: number, beta2: number, eps: number, shrink: number, stepSize: number, invSqrtBc2: number): void;
}

/** The slice of the WebAssembly JS API used here (the project's TypeScript lib has no DOM/WebAssembly types). */
interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}
interface WasmApi {
  Memory: abstract new (...args: never[]) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface WasmModuleMemory {
  wasmMemory?: WasmMemory;
  asm?: { memory?: WasmMemory };
}

const instances = new WeakMap<WasmMemory, SimdKernels>();

/** tfjs-wasm's heap of the active wasm backend. */
function heapOf(backend: unknown): WasmMemory {
  const module = (backend as { wasm: WasmModuleMemory }).wasm;
  const memory = module.wasmMemory ?? module.asm?.memory;
  if (!(memory instanceof WA.Memory)) throw new Error('mbench wasm kernels: tfjs-wasm does not expose its memory (tfjs-backend-wasm internals changed)');
  return memory;
}

/** The kernels bound to the heap of `backend` (a tfjs-wasm BackendWasm), instantiated once per heap. */
export function simdKernels(backend: unknown = tf.backend()): SimdKernels {
  const memory = heapOf(backend);
  let kernels = instances.get(memory);
  if (kernels) return kernels;
  const kind = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer ? 'shared' : 'plain';
  const bytes = readFileSync(fileURLToPath(new URL(`./wasm/kernels-${kind}.wasm`, import.meta.url)));
  const instance = new WA.Instance(new WA.Module(bytes), { env: { memory } });
  const ex = instance.exports as unknown as {
    transpose32: SimdKernels['transpose32'];
    row_max: SimdKernels['rowMax'];
    sum_squares: SimdKernels['sumSquares'];
    adamw: SimdKernels['adamw'];
  };
  kernels = { transpose32: ex.transpose32, rowMax: ex.row_max, sumSquares: ex.sum_squares, adamw: ex.adamw };
  instances.set(memory, kernels);
  return kernels;
}
