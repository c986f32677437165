/**
 * The GPU-check bundle (scripts/build-gpu-check.ts) as it would travel to a machine with no Node and no checkout:
 * built into a temporary folder, copied away from the repository, run through gpu-check.sh with a PATH that has no
 * node, on whatever adapter this machine has (CI: the software renderer, where it runs the --quick sizes).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../src/version.js';
import { webgpuGate } from '../engine/webgpu-gate.js';

const gate = await webgpuGate();

test('the bundle is self-contained, under 64 MiB, and its check runs: adapter, matmul, parity, training steps', { skip: gate.skip, timeout: 300_000 }, () => {
  const built = join(mkdtempSync(join(tmpdir(), 'mbench-gpu-bundle-')), 'gpu-check');
  const b = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'scripts/build-gpu-check.ts'), '--out', built], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(b.status, 0, b.stderr);
  const files = readdirSync(built).sort();
  assert.deepEqual(files, ['dawn.node', 'gpu-check.mjs', 'gpu-check.sh', 'node.gz', 'package.json']);
  const bytes = files.reduce((n, f) => n + statSync(join(built, f)).size, 0);
  assert.ok(bytes < 64 * 2 ** 20, `${(bytes / 2 ** 20).toFixed(1)} MiB`);

  // Elsewhere, with no node on PATH (sh, gzip and coreutils only) and no node_modules above it.
  const away = join(mkdtempSync(join(tmpdir(), 'mbench-gpu-away-')), 'bundle');
  cpSync(built, away, { recursive: true });
  const bin = mkdtempSync(join(tmpdir(), 'mbench-gpu-bin-'));
  for (const tool of ['sh', 'gzip', 'cksum', 'cut', 'chmod', 'mv', 'ls', 'grep', 'sed', 'dirname', 'cat', 'printf']) {
    const where = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    if (where.startsWith('/')) cpSync(where, join(bin, tool), { dereference: true });
  }
  const json = join(away, '..', 'result.json');
  const r = spawnSync(join(bin, 'sh'), [join(away, 'gpu-check.sh'), '--quick', '--budget', '60', '--json', json], {
    encoding: 'utf8',
    env: { PATH: bin, TMPDIR: join(away, '..'), ...(process.env['MBENCH_WEBGPU_ADAPTER'] ? { MBENCH_WEBGPU_ADAPTER: process.env['MBENCH_WEBGPU_ADAPTER'] } : {}), ...(process.env['EGL_PLATFORM'] ? { EGL_PLATFORM: process.env['EGL_PLATFORM'] } : {}) },
  });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /^adapter: /m);
  assert.match(r.stdout, /OK: worst .* \(bound 2e-3\)/);
  const record = JSON.parse(readFileSync(json, 'utf8')) as { adapter: { api: string }; matmul: Array<{ n: number; gflops: number }>; parity: { ok: boolean }; pretrain: Array<{ size: string; tokensPerSecond: number }> };
  assert.ok(record.matmul.length >= 1 && record.matmul.every((m) => m.gflops > 0));
  assert.equal(record.parity.ok, true);
  assert.deepEqual(record.pretrain.map((p) => p.size), ['tiny', 'mini']);
  assert.ok(record.pretrain.every((p) => p.tokensPerSecond > 0));
});
