/**
 * GEMM throughput of the native addon at 512/1024/2048 (issue 7's target: ≥ 60% of the float32 peak), every
 * engine present (built-in and, when libopenblas.so.0 loads, OpenBLAS) measured in turn in one process.
 *
 *   flock /tmp/mbench-bench.lock node --import tsx scripts/bench-native-gemm.ts [--reps 7] [--sizes 512,1024,2048]
 *
 * Two peaks are printed and each GEMM is given against both: src/engine/device.ts's estimate (cores × clock ×
 * 64 FLOPs/cycle on AVX-512; MBENCH_PEAK_GFLOPS overrides it) and the FMA throughput measured in this run
 * (independent FMA chains on every thread, best of rounds taken before each size, so a clock or load change
 * during the run moves both numerator and denominator). OPENBLAS_CORETYPE (read when OpenBLAS loads) picks OpenBLAS's kernels; this script
 * leaves it as the environment has it and prints it.
 *
 * `--shapes tiny|mini` times a layer's products instead (batch 32 × seq 128 = 4096 tokens; the forward X·W,
 * the input gradients dY·Wᵀ and the weight gradients Xᵀ·dY of the attention projections and of the GeGLU FFN),
 * on the engine in use, against the peak measured just before.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { deviceInfo } from '../src/engine/device.js';
import { requireAddon } from '../src/engine/native/addon.js';

async function main(): Promise<void> {
  const a = await yargs(hideBin(process.argv)).option('reps', { type: 'number', default: 7 }).option('sizes', { type: 'string', default: '512,1024,2048' }).option('shapes', { choices: ['tiny', 'mini'] as const, describe: "a layer's products instead of squares" }).strict().parseAsync();
  const addon = requireAddon();
  const info = addon.info();
  if (a.shapes) return layerShapes(addon, a.shapes === 'tiny' ? 128 : 256, a.reps);
  const engines = info.blas ? (['builtin', 'openblas'] as const) : (['builtin'] as const);
  const peak = deviceInfo('native').peakFlopsPerSecond;
  console.log(`isa ${info.isa}, ${info.threads} threads; OpenBLAS: ${info.blas || 'not found'}; OPENBLAS_CORETYPE=${process.env['OPENBLAS_CORETYPE'] ?? '(unset)'}`);
  console.log(`peak estimate ${peak ? (peak / 1e9).toFixed(0) : '?'} GFLOP/s`);
  for (const n of a.sizes.split(',').map(Number)) {
    const measured = addon.peakFlops(0.3);
    console.log(`measured FMA peak before n=${n}: ${(measured / 1e9).toFixed(0)} GFLOP/s`);
    const A = Float32Array.from({ length: n * n }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
    const B = Float32Array.from({ length: n * n }, (_, i) => ((i * 104729) % 1000) / 1000 - 0.5);
    const C = new Float32Array(n * n);
    const times = new Map<string, number[]>(engines.map((e) => [e, []]));
    // One engine's repetitions as a block, not alternated: OpenBLAS's threads keep spinning for a while after
    // each of its calls, which slowed the built-in engine's next call by up to 2× when the two alternated.
    for (const e of engines) {
      addon.setGemmEngine(e);
      for (let r = 0; r < a.reps + 1; r++) {
        const t0 = performance.now();
        addon.gemm(false, false, n, n, n, 1, A, B, 0, C);
        if (r > 0) times.get(e)!.push(performance.now() - t0); // first call: warm-up
      }
    }
    for (const [e, ts] of times) {
      ts.sort((x, y) => x - y);
      const ms = ts[ts.length >> 1]!;
      const gflops = (2 * n ** 3) / (ms / 1000) / 1e9;
      console.log(`n=${String(n).padEnd(5)} ${e.padEnd(9)} median ${ms.toFixed(2).padStart(8)} ms  ${gflops.toFixed(1).padStart(6)} GFLOP/s  ${peak ? ((gflops * 1e9 / peak) * 100).toFixed(0) + '% of estimate' : ''}  ${measured ? ((gflops * 1e9 / measured) * 100).toFixed(0) + '% of measured' : ''}  (best ${(2 * n ** 3 / (ts[0]! / 1000) / 1e9).toFixed(1)})`);
    }
  }
  addon.setGemmEngine('auto');
}

/** A layer's products at 4096 tokens, hidden size h (FFN 4h, GeGLU's two halves as two products). */
function layerShapes(addon: ReturnType<typeof requireAddon>, h: number, reps: number): void {
  const t = 4096;
  const f = 4 * h;
  // [name, transA, transB, M, N, K]
  const shapes: [string, boolean, boolean, number, number, number][] = [
    [`up X·W      [${t},${h}]·[${h},${f}]`, false, false, t, f, h],
    [`proj X·W    [${t},${h}]·[${h},${h}]`, false, false, t, h, h],
    [`down X·W    [${t},${f}]·[${f},${h}]`, false, false, t, h, f],
    [`up dY·Wᵀ    [${t},${f}]·[${h},${f}]ᵀ`, false, true, t, h, f],
    [`proj dY·Wᵀ  [${t},${h}]·[${h},${h}]ᵀ`, false, true, t, h, h],
    [`down dY·Wᵀ  [${t},${h}]·[${f},${h}]ᵀ`, false, true, t, f, h],
    [`up Xᵀ·dY    [${t},${h}]ᵀ·[${t},${f}]`, true, false, h, f, t],
    [`proj Xᵀ·dY  [${t},${h}]ᵀ·[${t},${h}]`, true, false, h, h, t],
    [`down Xᵀ·dY  [${t},${f}]ᵀ·[${t},${h}]`, true, false, f, h, t],
  ];
  const peak = addon.peakFlops(0.5);
  console.log(`${addon.info().threads} threads, GEMM ${addon.info().gemm}, measured peak ${(peak / 1e9).toFixed(0)} GFLOP/s`);
  const fill = (n: number, p: number) => Float32Array.from({ length: n }, (_, i) => ((i * p) % 1000) / 1000 - 0.5);
  for (const [name, ta, tb, m, n, k] of shapes) {
    const A = fill(m * k, 7919);
    const B = fill(k * n, 104729);
    const C = new Float32Array(m * n);
    const ts: number[] = [];
    for (let r = 0; r < reps + 2; r++) {
      const t0 = performance.now();
      addon.gemm(ta, tb, m, n, k, 1, A, B, 0, C);
      if (r >= 2) ts.push(performance.now() - t0); // two warm-up calls
    }
    ts.sort((x, y) => x - y);
    const ms = ts[ts.length >> 1]!;
    const gflops = (2 * m * n * k) / (ms / 1000) / 1e9;
    console.log(`${name.padEnd(36)} median ${ms.toFixed(2).padStart(7)} ms  ${gflops.toFixed(0).padStart(4)} GFLOP/s  ${((gflops * 1e9 * 100) / peak).toFixed(0)}% of measured`);
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
