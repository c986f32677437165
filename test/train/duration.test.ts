import { test } from 'node:test';
import assert from 'node:assert/strict';
import { durationFraction, durationSeconds, durationSteps, isWallClock, parseDuration } from '../../src/train/duration.js';
import { UserError } from '../../src/errors.js';

const ctx = { batchSize: 32, tokensPerSample: 128, samplesPerEpoch: 1000 };

test('count units convert to steps, rounding a partial batch up', () => {
  assert.equal(durationSteps(parseDuration('200ba'), ctx), 200);
  assert.equal(durationSteps(parseDuration('6400sp'), ctx), 200);
  assert.equal(durationSteps(parseDuration('6401sp'), ctx), 201);
  assert.equal(durationSteps(parseDuration('1e6tok'), ctx), Math.ceil(1e6 / (32 * 128))); // 245
  assert.equal(durationSteps(parseDuration('2ep'), ctx), Math.ceil(2000 / 32)); // 63
  assert.equal(durationSteps(parseDuration('0.06dur'), { ...ctx, totalSteps: 200 }), 12);
});

test('wall-clock units are seconds', () => {
  assert.equal(durationSeconds(parseDuration('30s')), 30);
  assert.equal(durationSeconds(parseDuration('5m')), 300);
  assert.equal(durationSeconds(parseDuration('1.5h')), 5400);
  assert.ok(isWallClock(parseDuration('5m')));
  assert.ok(!isWallClock(parseDuration('5ba')));
  assert.throws(() => durationSteps(parseDuration('5m'), ctx), /wall-clock/);
});

test('fractions of the run for warmup', () => {
  assert.equal(durationFraction(parseDuration('0.06dur'), ctx), 0.06);
  assert.equal(durationFraction(parseDuration('20ba'), { ...ctx, totalSteps: 200 }), 0.1);
  assert.equal(durationFraction(parseDuration('30s'), { ...ctx, totalSeconds: 300 }), 0.1);
  assert.equal(durationFraction(parseDuration('0ba', 'warmup', { allowZero: true }), { ...ctx, totalSteps: 200 }), 0);
});

test('parse errors name the bad string and the flag', () => {
  for (const bad of ['200', 'ba', '200bat', '2 ep', 'abc', '', '1.5ba', '-5ba', '2dur', 'NaNba']) {
    assert.throws(
      () => parseDuration(bad, '--duration'),
      (e: unknown) => e instanceof UserError && e.message.includes('--duration') && e.message.includes(`'${bad}'`),
      bad,
    );
  }
  assert.throws(() => parseDuration('0ba'), /must be positive/);
  assert.throws(() => parseDuration('-5ba'), /positive/);
  assert.throws(() => parseDuration('0s'), /must be positive/);
});

test('case and exponents', () => {
  assert.deepEqual(parseDuration('2EP'), { value: 2, unit: 'ep', text: '2EP' });
  assert.equal(parseDuration('1.5e3ba').value, 1500);
  assert.equal(parseDuration('.5h').value, 0.5);
});
