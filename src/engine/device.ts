/**
 * The device a backend computes on, and its estimated float32 peak FLOP/s (the MFU denominator).
 *
 * CPU peak = cores × clock × FLOPs per cycle per core, where FLOPs per cycle = SIMD lanes × 2 (multiply and add)
 * × 2 (two vector pipes on current x86 and Arm cores):
 *   wasm      its threads (src/engine/wasm-threads.ts) × 128-bit SIMD (4 lanes; no FMA in wasm
 *             SIMD, so the 2 counts a separate multiply and add): 16 FLOPs/cycle
 *   AVX-512   16 lanes → 64 FLOPs/cycle;  AVX2+FMA 8 lanes → 32;  otherwise 4 lanes → 16
 * The clock is the core's maximum frequency when the kernel reports it, else the current one. These are
 * estimates: `native` replaces its own with a measurement (src/engine/backends.ts devicePeak: FMA chains on
 * every addon thread; 428 GFLOP/s on 2 Zen 5 cores against an estimate of 268). Set MBENCH_PEAK_GFLOPS to a measured or vendor figure to override (it then applies to whatever
 * backend runs). GPU peaks are unknown unless given that way.
 */
import { cpus } from 'node:os';
import { readFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import { wasmThreads } from './wasm-threads.js';

export interface DeviceInfo {
  /** Human-readable device, e.g. "Intel Xeon (1 thread, wasm SIMD128)". */
  device: string;
  /** Float32 peak in FLOP/s (measured on `native`, else estimated), or null when unknown. */
  peakFlopsPerSecond: number | null;
  /** How the peak was obtained. */
  peakSource: 'env MBENCH_PEAK_GFLOPS' | 'measured' | 'estimate' | 'unknown';
}

export interface CpuFacts {
  model: string;
  cores: number;
  ghz: number | null;
  simd: 'avx512' | 'avx2' | 'basic';
}

export function cpuFacts(): CpuFacts {
  const list = cpus();
  let info = '';
  try {
    info = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    // not Linux: fall back to os.cpus()
  }
  const flags = /^flags\s*:(.*)$/m.exec(info)?.[1] ?? '';
  const simd = / avx512f/.test(flags) ? 'avx512' : / avx2/.test(flags) && / fma/.test(flags) ? 'avx2' : 'basic';
  let ghz: number | null = null;
  try {
    ghz = Number(readFileSync('/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq', 'utf8').trim()) / 1e6;
  } catch {
    const mhz = list[0]?.speed || Number(/^cpu MHz\s*:\s*([\d.]+)/m.exec(info)?.[1] ?? 0);
    ghz = mhz > 0 ? mhz / 1000 : null;
  }
  const model = (list[0]?.model ?? 'unknown CPU').replace(/\(R\)|\(TM\)|CPU|Processor/g, '').replace(/\s+/g, ' ').trim();
  return { model: model || 'unknown CPU', cores: list.length, ghz, simd };
}

/** FLOPs per cycle per core for a SIMD level (see the file comment). */
export function flopsPerCycle(simd: CpuFacts['simd'] | 'wasm128'): number {
  return { avx512: 64, avx2: 32, basic: 16, wasm128: 16 }[simd];
}

/** MBENCH_PEAK_GFLOPS as FLOP/s, or null when unset; a malformed value is a UserError. */
export function peakOverride(env: NodeJS.ProcessEnv = process.env): number | null {
  const raw = env['MBENCH_PEAK_GFLOPS'];
  if (raw === undefined || raw === '') return null;
  const v = Number(raw);
  if (!(v > 0) || !Number.isFinite(v)) throw new UserError(`MBENCH_PEAK_GFLOPS must be a positive number of GFLOP/s, got '${raw}'`);
  return v * 1e9;
}

/** Device and peak for a backend name (wasm, cpu, tensorflow, webgpu, native). */
export function deviceInfo(backend: string, gpuName?: string): DeviceInfo {
  const override = peakOverride();
  const cpu = cpuFacts();
  const withPeak = (device: string, estimate: number | null): DeviceInfo =>
    override !== null
      ? { device, peakFlopsPerSecond: override, peakSource: 'env MBENCH_PEAK_GFLOPS' }
      : { device, peakFlopsPerSecond: estimate, peakSource: estimate === null ? 'unknown' : 'estimate' };
  const hz = cpu.ghz === null ? null : cpu.ghz * 1e9;
  switch (backend) {
    case 'wasm': {
      const threads = wasmThreads();
      return withPeak(`${cpu.model} (${threads} thread${threads === 1 ? '' : 's'}, wasm SIMD128)`, hz && hz * threads * flopsPerCycle('wasm128'));
    }
    case 'cpu':
      // One thread of plain JS (its peak is far below this SIMD figure).
      return withPeak(`${cpu.model} (1 thread, JavaScript)`, hz && hz * flopsPerCycle('wasm128'));
    case 'tensorflow':
    case 'native':
      if (gpuName) return withPeak(gpuName, null);
      return withPeak(`${cpu.model} (${cpu.cores} cores, ${cpu.simd})`, hz && hz * cpu.cores * flopsPerCycle(cpu.simd));
    default:
      return withPeak(gpuName ?? 'GPU (unknown)', null);
  }
}
