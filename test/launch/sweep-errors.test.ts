// Bad input at the command line: clear error, non-zero exit, nothing started or written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mbenchSync, mockSweep, tempDir } from './helpers.js';
import { which } from '../../src/launch/slurm/commands.js';

test('--executor slurm without sbatch on PATH: a clear error and nothing written', () => {
  const dir = tempDir();
  const file = mockSweep(dir);
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  symlinkSync(process.execPath, join(bin, 'node')); // PATH holds node but no Slurm
  const root = join(dir, 'results');
  const r = mbenchSync(['sweep', file, '--executor', 'slurm', '--results', root], { PATH: bin });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /needs Slurm's client commands, but sbatch, squeue, scontrol, scancel are not on PATH.*Nothing was started/);
  assert.equal(existsSync(root), false);
});

test('a bad sweep file: the error names file:line:col and nothing is written', () => {
  const dir = tempDir();
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, 'name: bad\nrunner: mock\nmatrix:\n  recipe: [bert]\n  duraton: [10ba]\n');
  const root = join(dir, 'results');
  const r = mbenchSync(['sweep', file, '--results', root]);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, `mbench: error: ${file}:5:3: matrix.duraton: unknown key 'duraton' (did you mean 'duration'?)\n`);
  assert.equal(existsSync(root), false);
});

test('--dry-run prints the plan and writes nothing', () => {
  const dir = tempDir();
  const file = mockSweep(dir, { durations: ['10ba', '20ba'], seeds: [1, 2] });
  const root = join(dir, 'results');
  const r = mbenchSync(['sweep', file, '--results', root, '--dry-run']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /bert-tiny-10ba-s1/);
  assert.match(r.stdout, /mosaic-tiny-20ba-s2/);
  // (10 + 20 steps) × batch 2 × seqLen 16 = 960 positions per recipe and seed; × 2 recipes × 2 seeds = 3840
  assert.match(r.stdout, /8 runs \(0 done\) · ≈ 3\.84k token positions/);
  assert.equal(existsSync(root), false);
});

test('--dry-run of a sweep whose corpus is not here still prints its plan, then says a real run would stop', () => {
  const dir = tempDir();
  const file = join(dir, 'paper.yaml');
  writeFileSync(file, 'name: paper\ndefaults:\n  corpus: ./not-here/c4\nmatrix:\n  recipe: [bert, mosaic]\n  duration: [10ba]\n');
  const root = join(dir, 'results');
  const dry = mbenchSync(['sweep', file, '--results', root, '--dry-run']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /mosaic-tiny-10ba/);
  assert.match(dry.stderr, /warning: .*paper\.yaml: corpus path '\.\/not-here\/c4' does not exist; a real run of this sweep would stop there/);
  const real = mbenchSync(['sweep', file, '--results', root]);
  assert.notEqual(real.code, 0);
  assert.match(real.stderr, /error: .*paper\.yaml: corpus path '\.\/not-here\/c4' does not exist/);
  assert.equal(existsSync(root), false);
});

test('which() finds executables on a PATH', () => {
  assert.equal(which('sh', '/nonexistent:/bin:/usr/bin')?.endsWith('/sh'), true);
  assert.equal(which('definitely-not-a-command-xyz'), null);
});
