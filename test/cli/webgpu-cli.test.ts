/**
 * The webgpu backend as a user meets it, through the compiled CLI: `mbench backends` names the adapter, its API
 * and whether it is a software device; with no adapter at all, `mbench pretrain --backend webgpu` fails before
 * writing anything, naming what it tried and the apt packages of the software renderer; a sweep whose runs use
 * webgpu goes through `mbench sweep` and `mbench pareto`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { MESA_APT_PACKAGES } from '../../src/engine/webgpu.js';
import { repoRoot } from '../../src/version.js';
import { webgpuGate } from '../engine/webgpu-gate.js';

const gate = await webgpuGate();
const mbench = (env: NodeJS.ProcessEnv, ...args: string[]) =>
  spawnSync(process.execPath, [join(repoRoot, 'bin/mbench.js'), ...args], { encoding: 'utf8', env: { ...process.env, ...env } });

test('mbench backends --json: webgpu available, with its adapter, API and whether it is software', { skip: gate.skip }, () => {
  const r = mbench({}, 'backends', '--json');
  assert.equal(r.status, 0, r.stderr);
  const row = (JSON.parse(r.stdout) as Array<{ name: string; available: boolean; adapter?: { name: string; api: string; software: boolean }; device: string; peakSource: string }>).find((x) => x.name === 'webgpu')!;
  assert.equal(row.available, true);
  assert.ok(row.adapter && row.adapter.name.length > 0);
  assert.ok(['vulkan', 'metal', 'd3d12', 'opengles'].includes(row.adapter.api), row.adapter.api);
  assert.ok(row.device.startsWith(row.adapter.name) && row.device.includes(`webgpu, ${row.adapter.api}`), row.device);
  if (process.env['MBENCH_WEBGPU_ADAPTER'] === 'software') assert.deepEqual([row.adapter.api, row.adapter.software], ['opengles', true]);
  assert.equal(row.peakSource, process.env['MBENCH_PEAK_GFLOPS'] ? 'env MBENCH_PEAK_GFLOPS' : 'unknown');
  // The table says the same in words.
  const table = mbench({}, 'backends');
  assert.match(table.stdout, new RegExp(`✓ webgpu .*adapter .*, ${row.adapter.api}, ${row.adapter.software ? 'software device' : 'GPU'}`));
  assert.match(table.stdout, /tfjs-node-gpu downloads libtensorflow 2\.9\.1 .* CUDA 11\.2 with cuDNN 8\.1/);
});

test('no adapter at all: pretrain fails naming the tries and the apt packages, and writes nothing', { skip: gate.skip }, () => {
  const out = join(mkdtempSync(join(tmpdir(), 'mbench-webgpu-cli-')), 'run');
  // Software mode never tries a GPU; with no EGL vendor library GL has no display, so there is no adapter at all.
  const r = mbench({ MBENCH_WEBGPU_ADAPTER: 'software', __EGL_VENDOR_LIBRARY_FILENAMES: '/nonexistent/egl_vendor.json' }, 'pretrain', '--backend', 'webgpu', '--duration', '2ba', '--out', out);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /mbench: error: backend 'webgpu' is not available: no WebGPU adapter \(MBENCH_WEBGPU_ADAPTER=software\); tried Dawn opengles/);
  assert.ok(r.stderr.includes(`apt install ${MESA_APT_PACKAGES}`), r.stderr);
  assert.equal(existsSync(out), false, 'no run folder');
  const bad = mbench({ MBENCH_WEBGPU_ADAPTER: 'gpu' }, 'pretrain', '--backend', 'webgpu', '--duration', '2ba', '--out', out);
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /MBENCH_WEBGPU_ADAPTER='gpu' is not one of auto, software, hardware/);
});

test('a sweep with backend: webgpu runs through mbench sweep, and mbench pareto reads it', { skip: gate.skip, timeout: 300_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'mbench-webgpu-sweep-'));
  const file = join(dir, 'gpu.yaml');
  writeFileSync(file, [
    'name: gpu', 'defaults:', '  size: tiny', '  seqLen: 32', '  batchSize: 4', '  backend: webgpu', '  corpus: builtin', '  evalSamples: 16',
    'matrix:', '  recipe: [bert, mosaic]', '  duration: [2ba]', 'finetune: { suite: none }', '',
  ].join('\n'));
  const root = join(dir, 'results');
  const sweep = mbench({}, 'sweep', file, '--results', root);
  assert.equal(sweep.status, 0, sweep.stderr);
  assert.match(sweep.stderr, /sweep gpu: 2\/2 runs finished/);
  for (const recipe of ['bert', 'mosaic']) {
    const summary = readFileSync(join(root, 'gpu', sweep.stderr.match(new RegExp(`finished ${recipe}-tiny-2ba-s1 \\((\\w+)\\)`))![1]!, 'summary.json'), 'utf8');
    const pretrain = (JSON.parse(summary) as { pretrain: { backend: string; device: string; evalLoss: number } }).pretrain;
    assert.equal(pretrain.backend, 'webgpu');
    assert.match(pretrain.device, /webgpu/);
    assert.ok(pretrain.evalLoss > 0);
  }
  const pareto = mbench({}, 'pareto', root, '--sweep', 'gpu', '--y', 'mlm-loss', '--csv');
  assert.equal(pareto.status, 0, pareto.stderr);
  assert.match(pareto.stdout, /common: backend=webgpu .*duration=2ba/);
  assert.match(pareto.stdout, /│ bert\s+│ –\s+│ 1\s+│/);
  assert.match(pareto.stdout, /│ mosaic\s+│ –\s+│ 1\s+│/);
  const csv = readFileSync(join(root, 'gpu', 'pareto', 'runs.csv'), 'utf8');
  assert.equal(csv.trim().split('\n').length, 3, csv);
});
