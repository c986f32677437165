import type { CommandModule } from 'yargs';
import { devicePeak, probeBackends } from '../engine/backends.js';
import { deviceInfo } from '../engine/device.js';
import { handler } from './common.js';

interface Args {
  json: boolean;
}

export const command: CommandModule<object, Args> = {
  command: 'backends',
  describe: 'List the compute backends, whether each is available (and why not), its device and estimated float32 peak',
  builder: (y) =>
    y
      .option('json', { type: 'boolean', default: false, describe: 'Print JSON instead of a table' })
      .epilogue(
        'wasm is the default and works offline. tensorflow needs @tensorflow/tfjs-node(-gpu), webgpu needs webgpu + ' +
          '@tensorflow/tfjs-backend-webgpu (all optional). Peaks are estimates (cores × clock × SIMD FLOPs/cycle); set ' +
          'MBENCH_PEAK_GFLOPS to override. Everything runs in float32: tfjs has no bf16 or low-precision LayerNorm.',
      ),
  handler: handler(async (args: Args) => {
    const rows = await Promise.all((await probeBackends()).map(async (s) => ({ ...s, ...(s.available ? await devicePeak(s.name) : deviceInfo(s.name)) })));
    if (args.json) {
      process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      return;
    }
    for (const r of rows) {
      const peak = r.peakFlopsPerSecond === null ? 'peak unknown' : `${r.peakSource === 'measured' ? '' : '~'}${(r.peakFlopsPerSecond / 1e9).toFixed(0)} GFLOP/s float32 (${r.peakSource})`;
      process.stdout.write(`${r.available ? '✓' : '✗'} ${r.name.padEnd(10)} ${r.detail}\n`);
      if (r.available) process.stdout.write(`  ${''.padEnd(10)} ${r.device}, ${peak}\n`);
    }
  }),
};
