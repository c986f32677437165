import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TRAINING_DEFAULTS } from '../../src/train/defaults.js';
import { parseDuration } from '../../src/train/duration.js';
import { learningRate, lrMultiplier, type LrSchedule } from '../../src/train/schedule.js';

/** The schedule every run gets by default: MosaicBERT's 5e-4 peak, 6% warmup, decay to 0.02x. */
const DEFAULT_SCHEDULE: LrSchedule = {
  peakLr: TRAINING_DEFAULTS.peakLr,
  warmupFraction: parseDuration(TRAINING_DEFAULTS.warmup).value,
  finalRatio: TRAINING_DEFAULTS.finalLrRatio,
};

test('linear warmup from 0 to the peak over 6% of the run', () => {
  assert.equal(learningRate(0, DEFAULT_SCHEDULE), 0);
  assert.ok(Math.abs(learningRate(0.03, DEFAULT_SCHEDULE) - 2.5e-4) < 1e-15);
  assert.equal(learningRate(0.06, DEFAULT_SCHEDULE), 5e-4);
});

test('linear decay to 0.02x the peak at the end', () => {
  assert.ok(Math.abs(learningRate(1, DEFAULT_SCHEDULE) - 1e-5) < 1e-15);
  // Halfway through the decay: 1 + (0.02 - 1) * 0.5 = 0.51.
  assert.ok(Math.abs(lrMultiplier(0.53, 0.06, 0.02) - 0.51) < 1e-12);
  // Step 100 of 200 with 12 warmup steps: 1 - 0.98 * (0.5 - 0.06) / 0.94.
  assert.ok(Math.abs(lrMultiplier(100 / 200, 0.06, 0.02) - (1 - (0.98 * 0.44) / 0.94)) < 1e-12);
  assert.ok(Math.abs(lrMultiplier(2, 0.06, 0.02) - 0.02) < 1e-15, 'progress past the end is clamped');
});

test('no warmup starts at the peak', () => {
  assert.equal(lrMultiplier(0, 0, 0.02), 1);
  assert.equal(lrMultiplier(1, 1, 0.02), 1);
});
