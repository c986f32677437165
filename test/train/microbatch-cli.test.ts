// Microbatches change memory, never the result: `mbench pretrain --microbatch` logs the losses of the whole batch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAddon } from '../../src/engine/native/addon.js';
import { readJsonLines } from '../../src/results/atomic.js';
import type { MetricsRecord } from '../../src/train/types.js';
import { repoRoot } from '../../src/version.js';

const bin = join(repoRoot, 'bin/mbench.js');
/** native when the addon is built (CI builds it), else tfjs cpu: both are float32 and deterministic. */
const backend = loadAddon().ok ? 'native' : 'cpu';
const common = ['--recipe', 'mosaic', '--size', 'tiny', '--backend', backend, '--corpus', 'builtin', '--duration', '8ba', '--batch', '32', '--seq', '64', '--eval-every', '4', '--eval-batches', '1', '--eval-samples', '64'];
const mbench = (...args: string[]) => spawnSync(process.execPath, [bin, 'pretrain', ...args], { encoding: 'utf8', env: { ...process.env, MBENCH_NATIVE_THREADS: '1' } });
const tmpRun = (): string => join(mkdtempSync(join(tmpdir(), 'mbench-micro-')), 'run');
const records = (dir: string) => readJsonLines<MetricsRecord>(join(dir, 'metrics.jsonl'));
const relDiff = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));

test(`mosaic tiny, batch 32: microbatch 8 logs the same losses as the whole batch at every step (${backend})`, () => {
  const [whole, micro] = [tmpRun(), tmpRun()];
  const a = mbench(...common, '--out', whole);
  assert.equal(a.status, 0, a.stderr);
  const b = mbench(...common, '--microbatch', '8', '--out', micro);
  assert.equal(b.status, 0, b.stderr);
  const [ra, rb] = [records(whole), records(micro)];
  const train = (rs: MetricsRecord[]) => rs.flatMap((r) => (r.kind === 'train' ? [r] : []));
  assert.equal(train(ra).length, 8);
  assert.equal(train(rb).length, 8);
  train(ra).forEach((r, i) => {
    const m = train(rb)[i]!;
    assert.ok(relDiff(r.loss, m.loss) <= 1e-3, `step ${i + 1}: loss ${r.loss} vs ${m.loss}`);
    // the clip sees the whole batch's gradient, and the step counts the whole batch's tokens
    assert.ok(relDiff(r.gradNorm, m.gradNorm) <= 1e-3, `step ${i + 1}: gradient norm ${r.gradNorm} vs ${m.gradNorm}`);
    assert.equal(m.tokens, r.tokens);
  });
  // the losses move (the run trains), so equal losses are not equal by accident of a frozen model
  assert.notEqual(train(ra)[0]!.loss, train(ra)[7]!.loss);
  const evals = (rs: MetricsRecord[]) => rs.flatMap((r) => (r.kind === 'eval' ? [r] : []));
  assert.equal(evals(ra).length, 2);
  evals(ra).forEach((e, i) => {
    assert.ok(relDiff(e.evalLoss, evals(rb)[i]!.evalLoss) <= 1e-3, `eval ${i}: ${e.evalLoss} vs ${evals(rb)[i]!.evalLoss}`);
    assert.ok(Math.abs(e.evalAccuracy - evals(rb)[i]!.evalAccuracy) <= 2 / e.maskedTokens);
  });
  const result = JSON.parse(readFileSync(join(micro, 'pretrain-result.json'), 'utf8')) as { microbatch: number; devices: number };
  assert.equal(result.microbatch, 8);
  assert.equal(result.devices, 1);
});

test('a microbatch that does not divide the batch is refused, naming both numbers; nothing is written', () => {
  for (const [args, message] of [
    [['--batch', '32', '--microbatch', '12'], /--microbatch 12 does not divide the per-device batch 32 \(--batch 32\)/],
    [['--batch', '32', '--microbatch', '0'], /--microbatch must be an integer ≥ 1, got 0/],
  ] as const) {
    const out = tmpRun();
    const r = mbench(...common.filter((_, i, all) => all[i] !== '--batch' && all[i - 1] !== '--batch'), ...args, '--out', out);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, message);
    assert.ok(!existsSync(out), 'no output folder');
  }
});
