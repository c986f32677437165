/**
 * mbench's own wasm SIMD kernels (kernels/wasm/kernels.c), run directly on tfjs-wasm's heap, on every wasm
 * thread.
 *
 * The module imports tfjs-wasm's WebAssembly.Memory (shared in tfjs's threaded build, plain in its
 * single-threaded one, so there is one binary per kind), and its functions take byte offsets into that heap:
 * a kernel reads a tensor where tfjs keeps it and writes into an output tfjs allocated, with no copy through
 * JavaScript. The code uses no memory of its own (no data, no stack: scripts/build-wasm-kernels.sh builds it
 * that way and `--check` keeps the committed binaries equal to the source).
 *
 * Threads: with tfjs's threaded build (shared memory) and N > 1 wasm threads, N − 1 helper worker_threads
 * (kernels/wasm-pool-worker.mjs) instantiate the same module on the same memory, and each large call is split
 * N ways (rows of a transpose or a row reduction, ranges of an update); the main thread runs its share and
 * waits for the rest with Atomics. XNNPACK's own pool is idle meanwhile, so these threads do not compete with
 * it. Results do not depend on the thread count: every output element is computed by the same code whatever
 * the split, and Σ x² is summed per fixed block of 2^18 floats and the block sums added in order.
 *
 * Why: tfjs-wasm's Transpose walks its output element by element (~8 ns per float here) and a JavaScript
 * tiled loop still costs 3–6 ns; the 4 × 4 SIMD shuffles here are bound by memory latency (2–5 ns per float
 * on large matrices), which a second thread nearly halves. docs/wasm.md has the measurements.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { wasmThreads } from '../src/engine/wasm-threads.js';

export interface SimdKernels {
  /** dst[b][j][i] = src[b][i][j] for `batch` matrices [rows, cols] of 32-bit elements; byte offsets. */
  transpose32(src: number, dst: number, batch: number, rows: number, cols: number): void;
  /** out[r] = max of row r of x [rows, cols] float32 (NaN when the row has one); byte offsets. */
  rowMax(x: number, out: number, rows: number, cols: number): void;
  /** out[r] = Σ of row r of x [rows, cols] float32 (float32 partial sums); byte offsets. */
  rowSum(x: number, out: number, rows: number, cols: number): void;
  /** Σ x[i]² over n float32 values at byte offset x, in float64 (fixed blocks, the same for any thread count). */
  sumSquares(x: number, n: number): number;
  /** One AdamW update of n values (kernels/wasm/kernels.c); byte offsets, outputs may be the inputs. */
  adamw(p: number, g: number, m: number, v: number, pOut: number, mOut: number, vOut: number, n: number,
    gScale: number, beta1: number, beta2: number, eps: number, shrink: number, stepSize: number, invSqrtBc2: number): void;
  /** h = gelu(a)·b over n floats (b = 0: h = gelu(a)); byte offsets. The tanh-form GELU of kernels/gelu.ts. */
  gegluForward(a: number, b: number, h: number, n: number): void;
  /** da = dy·b·gelu′(a), db = dy·gelu(a) over n floats (b = 0: da = dy·gelu′(a), db untouched); byte offsets. */
  gegluBackward(dy: number, a: number, b: number, da: number, db: number, n: number): void;
  /** Threads the calls are split over (1: the main thread only). */
  readonly threads: number;
  /** True once the helper threads listen (large calls are split from then on); always false with 1 thread. */
  parallelReady(): boolean;
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

/** The exports of kernels.c. */
interface RawKernels {
  transpose32(src: number, dst: number, batch: number, rows: number, cols: number): void;
  transpose32_rows(src: number, dst: number, rows: number, cols: number, iBegin: number, iEnd: number): void;
  row_max(x: number, out: number, rows: number, cols: number): void;
  row_sum(x: number, out: number, rows: number, cols: number): void;
  sum_squares(x: number, n: number): number;
  adamw: SimdKernels['adamw'];
  geglu_forward: SimdKernels['gegluForward'];
  geglu_backward: SimdKernels['gegluBackward'];
}

/** Floats per block of Σ x² (the unit threads share, and the fixed summation order). */
const SUM_BLOCK = 1 << 18;
/** Below this many floats a call stays on the main thread (waking a helper costs tens of µs). */
const MIN_PARALLEL = 1 << 17;
/** Doubles per job slot: op, up to 15 arguments, a failed flag, a result. */
const SLOT = 18;
/** Block sums one Σ x² call can hold: 2^30 floats (4 GB, the whole heap) / 2^18. */
const MAX_BLOCKS = 4096;
/** How long the main thread waits for its helpers before it gives up on a job. */
const JOB_TIMEOUT_MS = 120_000;

const OP = { transposeRows: 1, rowMax: 2, sumBlocks: 3, adamw: 4, transposeBatch: 5, rowSum: 6, gegluForward: 7, gegluBackward: 8 } as const;

const instances = new WeakMap<WasmMemory, SimdKernels>();

/** tfjs-wasm's heap of the active wasm backend. */
function heapOf(backend: unknown): WasmMemory {
  const module = (backend as { wasm: WasmModuleMemory }).wasm;
  const memory = module.wasmMemory ?? module.asm?.memory;
  if (!(memory instanceof WA.Memory)) throw new Error('mbench wasm kernels: tfjs-wasm does not expose its memory (tfjs-backend-wasm internals changed)');
  return memory;
}

/** Helper threads and their shared control block. */
class Pool {
  readonly ctrl: Int32Array;
  readonly slots: Float64Array;
  readonly blockSums: Float64Array;
  private readonly workers: Worker[] = [];

  constructor(memory: WasmMemory, bytes: Uint8Array, readonly helpers: number) {
    const control = new SharedArrayBuffer(3 * 4);
    const slotBuffer = new SharedArrayBuffer((helpers + 1) * SLOT * 8);
    const sums = new SharedArrayBuffer(MAX_BLOCKS * 8);
    this.ctrl = new Int32Array(control);
    this.slots = new Float64Array(slotBuffer);
    this.blockSums = new Float64Array(sums);
    const script = new URL('./wasm-pool-worker.mjs', import.meta.url);
    for (let w = 1; w <= helpers; w++) {
      // execArgv []: the helper is plain JavaScript and needs none of this process's flags, some of which
      // (--input-type) a worker refuses to start with.
      const worker = new Worker(script, { execArgv: [], workerData: { memory, bytes, control, slotBuffer, index: w, slotSize: SLOT, blockSums: sums, block: SUM_BLOCK } });
      worker.unref(); // a process exits when its main thread is done
      worker.on('error', () => (this.broken = true));
      worker.on('exit', () => (this.broken = true));
      this.workers.push(worker);
    }
    // Helpers report ready once their module is instantiated; until all have, calls run on this thread alone
    // (a job posted before a helper listens would be missed). The pool never blocks waiting for them to start:
    // a worker's start can need this thread's event loop (e.g. under a module loader such as tsx).
  }

  /** A helper failed to start or stopped: calls stay on this thread from then on. */
  private broken = false;

  /** True once every helper listens for jobs (and none has stopped). */
  ready(): boolean {
    return !this.broken && Atomics.load(this.ctrl, 2) === this.helpers;
  }

  /** Runs `parts[0]` here and parts[w] (op and arguments) on helper w, then waits for all of them. */
  run(mine: () => void, parts: number[][]): void {
    for (let w = 1; w <= this.helpers; w++) {
      const args = parts[w - 1] ?? [0];
      this.slots.fill(0, w * SLOT, (w + 1) * SLOT);
      this.slots.set(args, w * SLOT);
    }
    Atomics.store(this.ctrl, 1, this.helpers);
    Atomics.add(this.ctrl, 0, 1);
    Atomics.notify(this.ctrl, 0);
    let error: unknown = null;
    try {
      mine();
    } catch (err) {
      error = err;
    }
    const deadline = Date.now() + JOB_TIMEOUT_MS;
    for (let left = Atomics.load(this.ctrl, 1); left !== 0; left = Atomics.load(this.ctrl, 1)) {
      if (Date.now() > deadline) throw new Error(`mbench wasm kernels: ${left} helper thread(s) did not finish a job within ${JOB_TIMEOUT_MS / 1000} s`);
      Atomics.wait(this.ctrl, 1, left, 1000);
    }
    if (error) throw error;
    for (let w = 1; w <= this.helpers; w++)
      if (this.slots[w * SLOT + SLOT - 2] !== 0) throw new Error('mbench wasm kernels: a helper thread failed (out-of-bounds offsets?)');
  }

  close(): void {
    for (const w of this.workers) void w.terminate();
  }
}

/** [begin, end) of part p of n items split `parts` ways, boundaries on multiples of `align`. */
function share(n: number, parts: number, p: number, align: number): [number, number] {
  const units = Math.ceil(n / align);
  const at = (q: number) => Math.min(n, Math.floor((units * q) / parts) * align);
  return [at(p), at(p + 1)];
}

function makeKernels(raw: RawKernels, pool: Pool | null): SimdKernels {
  const threads = pool ? pool.helpers + 1 : 1;
  const parallel = (size: number) => pool !== null && size >= MIN_PARALLEL && pool.ready();
  /** A row reduction x [rows, cols] → out [rows], split by rows. */
  const byRows = (kernel: RawKernels['row_max'], op: number, x: number, out: number, rows: number, cols: number) => {
    if (!parallel(rows * cols)) return kernel(x, out, rows, cols);
    const part = (p: number) => share(rows, threads, p, 1);
    const [r0, r1] = part(0);
    pool!.run(
      () => kernel(x, out, r1 - r0, cols),
      Array.from({ length: threads - 1 }, (_, w) => {
        const [q0, q1] = part(w + 1);
        return [op, x + 4 * q0 * cols, out + 4 * q0, q1 - q0, cols];
      }),
    );
  };
  /**
   * An elementwise kernel(...pointers, n, ...scalars) over n floats, split in ranges of whole vectors: each
   * thread's pointers (byte offsets; 0 stands for an absent input and stays 0) advance to its range.
   */
  const elementwise = (kernel: (...args: number[]) => void, op: number, pointers: number[], n: number, scalars: number[] = []) => {
    if (!parallel(n)) return kernel(...pointers, n, ...scalars);
    const [, mine] = share(n, threads, 0, 4); // this thread's range starts at 0
    pool!.run(
      () => kernel(...pointers, mine, ...scalars),
      Array.from({ length: threads - 1 }, (_, w) => {
        const [r0, r1] = share(n, threads, w + 1, 4);
        return [op, ...pointers.map((q) => (q === 0 ? 0 : q + 4 * r0)), r1 - r0, ...scalars];
      }),
    );
  };
  return {
    threads,
    parallelReady: () => pool !== null && pool.ready(),
    transpose32(src, dst, batch, rows, cols) {
      if (!parallel(batch * rows * cols)) return raw.transpose32(src, dst, batch, rows, cols);
      const size = rows * cols;
      if (batch >= threads) {
        const part = (p: number) => share(batch, threads, p, 1);
        const [b0, b1] = part(0);
        pool!.run(
          () => raw.transpose32(src, dst, b1 - b0, rows, cols),
          Array.from({ length: threads - 1 }, (_, w) => {
            const [c0, c1] = part(w + 1);
            return c1 > c0 ? [OP.transposeBatch, src + 4 * c0 * size, dst + 4 * c0 * size, c1 - c0, rows, cols] : [0];
          }),
        );
        return;
      }
      for (let b = 0; b < batch; b++) {
        const [s, d] = [src + 4 * b * size, dst + 4 * b * size];
        const part = (p: number) => share(rows, threads, p, 64); // whole 64-row tiles
        const [i0, i1] = part(0);
        pool!.run(
          () => raw.transpose32_rows(s, d, rows, cols, i0, i1),
          Array.from({ length: threads - 1 }, (_, w) => [OP.transposeRows, s, d, rows, cols, ...part(w + 1)]),
        );
      }
    },
    rowMax(x, out, rows, cols) {
      byRows(raw.row_max, OP.rowMax, x, out, rows, cols);
    },
    rowSum(x, out, rows, cols) {
      byRows(raw.row_sum, OP.rowSum, x, out, rows, cols);
    },
    sumSquares(x, n) {
      const blocks = Math.ceil(n / SUM_BLOCK);
      const blockSum = (b: number) => raw.sum_squares(x + 4 * b * SUM_BLOCK, Math.min(SUM_BLOCK, n - b * SUM_BLOCK));
      let total = 0;
      if (!parallel(n) || blocks < 2 || blocks > MAX_BLOCKS) {
        for (let b = 0; b < blocks; b++) total += blockSum(b);
        return total;
      }
      const sums = pool!.blockSums;
      const part = (p: number) => share(blocks, threads, p, 1);
      const [b0, b1] = part(0);
      pool!.run(
        () => {
          for (let b = b0; b < b1; b++) sums[b] = blockSum(b);
        },
        Array.from({ length: threads - 1 }, (_, w) => [OP.sumBlocks, x, n, ...part(w + 1)]),
      );
      for (let b = 0; b < blocks; b++) total += sums[b]!;
      return total;
    },
    gegluForward(a, b, h, n) {
      elementwise(raw.geglu_forward, OP.gegluForward, [a, b, h], n);
    },
    gegluBackward(dy, a, b, da, db, n) {
      elementwise(raw.geglu_backward, OP.gegluBackward, [dy, a, b, da, db], n);
    },
    adamw(p, g, m, v, pOut, mOut, vOut, n, ...scalars) {
      elementwise(raw.adamw, OP.adamw, [p, g, m, v, pOut, mOut, vOut], n, scalars);
    },
  };
}

/** The kernels bound to the heap of `backend` (a tfjs-wasm BackendWasm), instantiated once per heap. */
export function simdKernels(backend: unknown = tf.backend()): SimdKernels {
  const memory = heapOf(backend);
  let kernels = instances.get(memory);
  if (kernels) return kernels;
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const bytes = readFileSync(fileURLToPath(new URL(`./wasm/kernels-${shared ? 'shared' : 'plain'}.wasm`, import.meta.url)));
  const raw = new WA.Instance(new WA.Module(bytes), { env: { memory } }).exports as unknown as RawKernels;
  const helpers = shared ? wasmThreads() - 1 : 0;
  kernels = makeKernels(raw, helpers > 0 ? new Pool(memory, bytes, helpers) : null);
  instances.set(memory, kernels);
  return kernels;
}
