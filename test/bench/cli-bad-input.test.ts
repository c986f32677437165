// `mbench kernels` refuses bad input before measuring anything: one clear line, exit 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../src/version.js';

const mbench = (...args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'bin/mbench.js'), 'kernels', ...args], { encoding: 'utf8' });
const dir = mkdtempSync(join(tmpdir(), 'mbench-kernels-cli-'));

test('an unknown --filter is an error naming it', () => {
  const r = mbench('--filter', 'layernorm,atention');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--filter 'atention' matches no kernel case \(did you mean 'attention'\?\)/);
  assert.equal(r.stdout, '');
});

test('a baseline from another backend or schema version is an error naming the file', () => {
  const cpu = join(dir, 'baseline-cpu.json');
  writeFileSync(cpu, JSON.stringify({ schemaVersion: 1, backend: 'cpu', device: 'x', mbenchVersion: '0', gitCommit: null, createdAt: 'now',
    settings: { timeMs: 10, rounds: 2, clock: 'cpu' }, calibration: { name: 'c', shape: {}, medianMs: 1, gflops: 1 }, cases: [] }));
  const r = mbench('--compare', cpu, '--backend', 'wasm');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /baseline-cpu\.json: baseline was measured on backend 'cpu', this run uses 'wasm'/);
  const old = join(dir, 'old.json');
  writeFileSync(old, JSON.stringify({ schemaVersion: 99, backend: 'wasm' }));
  const r2 = mbench('--compare', old);
  assert.equal(r2.status, 2);
  assert.match(r2.stderr, /old\.json: schemaVersion 99 is not 1/);
});

test('--list prints the default cases; bad --threshold and --backend are errors', () => {
  const list = mbench('--list', '--filter', 'layernorm');
  assert.equal(list.status, 0);
  assert.deepEqual(list.stdout.trim().split('\n').map((l) => l.split('\t')[0]), ['layernorm/tiny', 'layernorm/mini', 'layernorm/base']);
  assert.match(mbench('--threshold', 'ten').stderr, /--threshold 'ten' is not a percentage/);
  assert.match(mbench('--backend', 'wsm').stderr, /unknown backend \(--backend\) 'wsm' \(did you mean 'wasm'\?\)/);
});

test('several backends: each name is checked, and single-backend options are refused', () => {
  assert.match(mbench('--backend', 'wasm,natve').stderr, /unknown backend \(--backend\) 'natve' \(did you mean 'native'\?\)/);
  const r = mbench('--backend', 'wasm,cpu', '--compare', join(dir, 'x.json'));
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--compare works with one backend at a time/);
  assert.match(mbench('--backend', 'wasm,wasm').stderr, /names a backend twice/);
});

test('--other-device warn: a slower verdict against another device’s baseline warns instead of failing', { timeout: 120_000 }, () => {
  const base = join(dir, 'baseline-cpu-other.json');
  const common = ['--backend', 'cpu', '--filter', 'layernorm/tiny', '--rounds', '6', '--time', '60'];
  assert.equal(mbench(...common, '--save-baseline', base).status, 0);
  // A baseline from "another CPU" on which the case ran 4× faster relative to the calibration: every run here
  // is then far slower than it, without depending on timing noise.
  type Case = { ratioToCalibration: number; samples: { roundRatios: number[] } };
  const record = JSON.parse(readFileSync(base, 'utf8')) as { device: string; cases: Case[] };
  for (const c of record.cases) {
    c.ratioToCalibration /= 4;
    c.samples.roundRatios = c.samples.roundRatios.map((r) => r / 4);
  }
  writeFileSync(base, JSON.stringify({ ...record, device: 'Some Other CPU (1 thread, JavaScript)' }));
  const strict = mbench(...common, '--compare', base);
  assert.equal(strict.status, 1, strict.stdout + strict.stderr);
  assert.match(strict.stdout, /REGRESSION/);
  const lenient = mbench(...common, '--compare', base, '--other-device', 'warn');
  assert.equal(lenient.status, 0, lenient.stderr);
  assert.match(lenient.stderr, /baseline from Some Other CPU .*not failing \(--other-device warn\)/);
});
