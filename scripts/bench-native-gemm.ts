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
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { deviceInfo } from '../src/engine/device.js';
import { requireAddon } from '../src/engine/native/addon.js';

async function main(): Promise<void> {
  const a = await yargs(hideBin(process.argv)).option('reps', { type: 'number', default: 7 }).option('sizes', { type: 'string', default: '512,1024,2048' }).strict().parseAsync();
  const addon = requireAddon();
  const info = addon.info();
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

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
