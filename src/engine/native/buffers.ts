/**
 * Recycled tensor buffers for the `native` backend.
 *
 * Why: a disposed tensor's Float32Array is freed only when V8 collects it, so until then every new activation
 * or gradient is fresh heap memory whose pages fault in on first write: a [4096,128]·[128,512] product took
 * 2.2 ms into a warm array and 5.5–6.6 ms into a fresh one (perf: the faults sit in the GEMM's stores), and
 * element-wise ops lost as much again. Here a large buffer (≥ 256 KiB) that a native kernel or fused op
 * made goes back to a free list when tfjs disposes its tensor, and the next output of the same size class
 * reuses it, warm. Size classes (eighths of a power of two, so at most 12.5% unused) matter for unpadded models:
 * mosaic's activations are [real tokens, H], a different length every batch, so recycling by exact length found
 * almost nothing to reuse (the quickstart's mosaic step, batch 24 × 64 on one thread, ran at half bert's speed).
 * A recycled buffer is handed out as a view of its first n floats.
 *
 * Safety: a buffer is recycled only while nothing outside the backend can hold it. It leaves the pool for good
 * ("escapes") when its values are read out (readSync / dataSync / data(), which hand out the array itself),
 * when a second tensor or a view of it (cpu Slice's subarray) is registered, or when it is registered by a
 * write the pool did not see coming. The free lists hold at most MAX_POOLED_BYTES.
 */
import { totalmem } from 'node:os';

/** Smaller buffers come from glibc's bins, already warm; recycling them would only add bookkeeping. */
const MIN_FLOATS = 1 << 16;
/**
 * The free lists' limit: a quarter of the machine's memory, at most 4 GiB (MBENCH_NATIVE_POOL_MB overrides). The
 * pool holds what one step had live at once, so the limit must exceed a step's working set: at 512 MiB, mosaic
 * mini (batch 32 × 128) made ~490 MiB of fresh buffers a step, whose external-memory pressure kept V8 in
 * back-to-back full collections (95 in 8 steps) and cost ~20% of the step (900 → 740 ms on the 2-core AMD EPYC).
 */
const MAX_POOLED_BYTES = (() => {
  const mb = Number(process.env['MBENCH_NATIVE_POOL_MB']);
  if (Number.isFinite(mb) && mb >= 0 && process.env['MBENCH_NATIVE_POOL_MB']) return mb * 2 ** 20;
  return Math.min(4 * 2 ** 30, Math.floor(totalmem() / 4));
})();

/** Free buffers by capacity (floats). */
const free = new Map<number, ArrayBuffer[]>();
let pooledBytes = 0;
/** Buffers the pool made, each with the one array (view) it last handed out, while they are candidates for
 *  recycling. */
const owned = new WeakMap<ArrayBuffer, Float32Array>();
/** Owned buffers that back a live tensor now. */
const live = new WeakSet<ArrayBuffer>();

/** The capacity a buffer of n floats is made with: n rounded up to an eighth of its power of two. */
export function sizeClass(n: number): number {
  if (n < MIN_FLOATS) return n;
  const step = 2 ** Math.floor(Math.log2(n)) / 8;
  return Math.ceil(n / step) * step;
}

function take(n: number): Float32Array | null {
  if (n < MIN_FLOATS) return null;
  const buf = free.get(sizeClass(n))?.pop();
  if (!buf) return null;
  pooledBytes -= buf.byteLength;
  const a = new Float32Array(buf, 0, n);
  owned.set(buf, a);
  return a;
}

function fresh(n: number): Float32Array {
  if (n < MIN_FLOATS) return new Float32Array(n);
  const buf = new ArrayBuffer(sizeClass(n) * 4);
  const a = new Float32Array(buf, 0, n);
  owned.set(buf, a);
  return a;
}

/** A buffer of n floats whose every element the caller overwrites (its contents are stale). */
export function outputBuffer(n: number): Float32Array {
  return take(n) ?? fresh(n);
}

/** A buffer of n zeros. */
export function zeroBuffer(n: number): Float32Array {
  const a = take(n);
  return a ? a.fill(0) : fresh(n);
}

function escape(values: unknown): void {
  if (values instanceof Float32Array) owned.delete(values.buffer as ArrayBuffer);
}

/** The backend registered `values` under a new tensor. */
export function onRegister(values: unknown): void {
  if (!(values instanceof Float32Array)) return;
  const buf = values.buffer as ArrayBuffer;
  const mine = owned.get(buf);
  if (!mine) return;
  if (mine !== values || live.has(buf)) escape(values); // a view, or a second tensor on the same array
  else live.add(buf);
}

/** The backend handed `values` out (readSync and everything built on it). */
export function onRead(values: unknown): void {
  escape(values);
}

/** The backend dropped the last tensor on `values`. */
export function onDispose(values: unknown): void {
  if (!(values instanceof Float32Array)) return;
  const buf = values.buffer as ArrayBuffer;
  live.delete(buf);
  if (owned.get(buf) !== values || pooledBytes + buf.byteLength > MAX_POOLED_BYTES) return;
  const capacity = buf.byteLength / 4;
  const list = free.get(capacity);
  if (list) list.push(buf);
  else free.set(capacity, [buf]);
  pooledBytes += buf.byteLength;
}
