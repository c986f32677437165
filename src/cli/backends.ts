import type { CommandModule } from 'yargs';
import { devicePeak, probeBackends, TFJS_NODE_GPU_CAVEAT } from '../engine/backends.js';
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
        'auto (native when built, else wasm) is the default and works offline. webgpu (Dawn for Node, installed by npm ' +
          'install as an optional dependency) runs on a GPU through Vulkan, Metal or D3D12; with no GPU it falls back to ' +
          "Mesa's software renderer (apt: libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri), with a notice; " +
          'MBENCH_WEBGPU_ADAPTER=software|hardware forces one. tensorflow needs @tensorflow/tfjs-node(-gpu), which npm ' +
          `install does not fetch: ${TFJS_NODE_GPU_CAVEAT}. native measures its peak (FMA chains on its threads); other CPU peaks are estimates (cores × clock × SIMD FLOPs/cycle); GPU ` +
          'peaks are unknown: set MBENCH_PEAK_GFLOPS. Everything runs in float32: tfjs has no bf16 or low-precision LayerNorm.',
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
