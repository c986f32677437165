/**
 * MBENCH_NATIVE_PROFILE: where a step's time goes on `native`, printed to stderr at exit, longest first.
 *
 * - `1`: per tfjs kernel (native or the cpu fallback), plus every addon call made outside a tfjs kernel — the
 *   fused ops (attention, LayerNorm, GELU/GeGLU, the MLM head, AdamW…), which tfjs never sees as kernels —
 *   under `fused:<addon function>`, so the rows add up to the whole step's kernel time.
 * - `shapes`: the same, one row per kernel and input shapes (e.g. `BatchMatMul 1432x128·128x512`).
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon } from './addon.js';

type Mode = 'off' | 'kernels' | 'shapes';

const MODE: Mode = ((v) => (v === '1' ? 'kernels' : v === 'shapes' ? 'shapes' : 'off'))(process.env['MBENCH_NATIVE_PROFILE']);

interface Entry {
  calls: number;
  ms: number;
  kind: 'native' | 'cpu' | 'fused';
}

const table = new Map<string, Entry>();
/** > 0 while a tfjs kernel runs: addon calls inside it are that kernel's time, not counted again. */
let kernelDepth = 0;

export function profiling(): boolean {
  return MODE !== 'off';
}

function record(key: string, kind: Entry['kind'], ms: number): void {
  const e = table.get(key) ?? { calls: 0, ms: 0, kind };
  e.calls++;
  e.ms += ms;
  table.set(key, e);
}

function shapesOf(inputs: tf.NamedTensorInfoMap): string {
  return Object.values(inputs)
    .map((t) => (t ? t.shape.join('x') || 'scalar' : '-'))
    .join('·');
}

/** Wraps a tfjs kernel function so its calls are timed under its name (and input shapes in `shapes` mode). */
export function profiledKernel<A extends { inputs: tf.NamedTensorInfoMap }, R>(name: string, native: boolean, f: (args: A) => R): (args: A) => R {
  return (args) => {
    const t0 = performance.now();
    kernelDepth++;
    try {
      return f(args);
    } finally {
      kernelDepth--;
      const key = MODE === 'shapes' ? `${name} ${shapesOf(args.inputs)}` : name;
      record(key, native ? 'native' : 'cpu', performance.now() - t0);
    }
  };
}

/** The addon with each function timed when called from outside a tfjs kernel (the fused ops). */
export function profiledAddon(addon: NativeAddon): NativeAddon {
  const wrapped: Record<string, unknown> = {};
  // The module's functions are non-enumerable, read-only properties: wrap each by name into a plain object.
  for (const name of Object.getOwnPropertyNames(addon)) {
    const fn = (addon as unknown as Record<string, unknown>)[name];
    if (typeof fn !== 'function') continue;
    wrapped[name] = (...args: unknown[]) => {
      if (kernelDepth > 0) return fn.apply(addon, args) as unknown;
      const t0 = performance.now();
      try {
        return fn.apply(addon, args) as unknown;
      } finally {
        record(`fused:${name}`, 'fused', performance.now() - t0);
      }
    };
  }
  return wrapped as unknown as NativeAddon;
}

/**
 * Forgets what was collected so far: a benchmark calls it after its warm-up steps, whose first-touch page
 * faults (a fresh 15 MiB buffer took ~46 ms to fault in on this VM) would otherwise dominate the totals.
 */
export function resetProfile(): void {
  table.clear();
  profiledSteps = 0;
}

/** Steps the totals cover, when the caller counts them (printed as a per-step divisor). */
let profiledSteps = 0;

export function countProfiledStep(): void {
  profiledSteps++;
}

export function printProfile(): void {
  const rows = [...table.entries()].sort((a, b) => b[1].ms - a[1].ms);
  const total = rows.reduce((s, [, e]) => s + e.ms, 0);
  const width = Math.max(22, ...rows.slice(0, 40).map(([k]) => k.length));
  const over = profiledSteps > 0 ? ` over ${profiledSteps} steps, ${(total / profiledSteps).toFixed(0)} ms a step` : '';
  process.stderr.write(`native kernel profile (total ${total.toFixed(0)} ms${over}; fused = addon calls outside tfjs kernels):\n`);
  for (const [name, e] of rows.slice(0, MODE === 'shapes' ? 60 : 40))
    process.stderr.write(`  ${name.padEnd(width)} ${e.kind.padEnd(6)} ${e.ms.toFixed(1).padStart(9)} ms ${String(e.calls).padStart(7)} calls\n`);
}
