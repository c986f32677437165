import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareResults, judgeRatios } from '../../bench/compare.js';
import type { CaseResult } from '../../bench/types.js';

/** Deterministic log-normal-ish noise: a 32-bit LCG through Box–Muller. */
function noisy(center: number, relativeSd: number, count: number, seed: number): number[] {
  let state = seed >>> 0;
  const uniform = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  return Array.from({ length: count }, () => {
    const z = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
    return center * Math.exp(relativeSd * z);
  });
}

test('a real 20% slowdown with 3% noise is flagged at a 10% threshold', () => {
  const v = judgeRatios(noisy(5, 0.03, 10, 1), noisy(6, 0.03, 10, 2), 0.1, 0.95);
  assert.equal(v.verdict, 'slower');
  assert.ok(v.change > 0.15 && v.change < 0.25, `change ${v.change}`);
  assert.ok(v.changeLow > 0.1);
});

test('a noisy equal pair is not flagged, across many seeds', () => {
  for (let seed = 1; seed <= 200; seed += 2) {
    const v = judgeRatios(noisy(5, 0.15, 10, seed), noisy(5, 0.15, 10, seed + 1), 0.1, 0.95);
    assert.notEqual(v.verdict, 'slower', `seed ${seed}: change ${v.change} [${v.changeLow}, ${v.changeHigh}]`);
  }
});

test('a 2× slowdown under heavy (30%) noise is still flagged', () => {
  assert.equal(judgeRatios(noisy(5, 0.3, 10, 7), noisy(10, 0.3, 10, 8), 0.1, 0.95).verdict, 'slower');
});

test('a 20% slowdown hidden in 30% noise is "same": too noisy to tell', () => {
  assert.equal(judgeRatios(noisy(5, 0.3, 10, 3), noisy(6, 0.3, 10, 4), 0.1, 0.95).verdict, 'same');
});

test('a clear speed-up is "faster"; a small one within the threshold is "same"', () => {
  assert.equal(judgeRatios(noisy(5, 0.03, 10, 5), noisy(2.5, 0.03, 10, 6), 0.1, 0.95).verdict, 'faster');
  assert.equal(judgeRatios(noisy(5, 0.01, 10, 5), noisy(4.8, 0.01, 10, 6), 0.1, 0.95).verdict, 'same');
});

function completed(name: string, roundRatios: number[]): CaseResult {
  return {
    state: 'completed', name, kernel: name.split('/')[0]!, shape: {}, medianMs: 1, gflops: null, gbps: null,
    ratioToCalibration: roundRatios.slice().sort((a, b) => a - b)[Math.floor(roundRatios.length / 2)]!,
    samples: { roundRatios, latencyMs: [1] },
  };
}

test('compareResults: slower and errored cases regress; new and not-run cases do not', () => {
  const baseline = [completed('a/x', noisy(2, 0.03, 10, 1)), completed('b/x', noisy(3, 0.03, 10, 2)), completed('gone/x', [1, 1])];
  const same = compareResults(baseline, [completed('a/x', noisy(2, 0.03, 10, 3)), completed('new/x', [1, 2])], { threshold: 0.1, confidence: 0.95 });
  assert.equal(same.regressed, false);
  assert.deepEqual(same.cases.map((c) => c.state), ['compared', 'new']);
  assert.deepEqual(same.notRun, ['b/x', 'gone/x']);

  const slow = compareResults(baseline, [completed('a/x', noisy(2, 0.03, 10, 3)), completed('b/x', noisy(6, 0.03, 10, 4))], { threshold: 0.1, confidence: 0.95 });
  assert.equal(slow.regressed, true);
  assert.deepEqual(slow.cases.map((c) => (c.state === 'compared' ? c.verdict : c.state)), ['same', 'slower']);

  const broken = compareResults(baseline, [{ state: 'errored', name: 'a/x', kernel: 'a', shape: {}, error: 'boom' }], { threshold: 0.1, confidence: 0.95 });
  assert.equal(broken.regressed, true);
});
