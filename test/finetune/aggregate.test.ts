import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GLUE_SPECS } from '../../src/data/glue.js';
import { MICRO_GLUE_SPECS } from '../../src/data/micro-glue.js';
import { bestOfHistory, finetuneScore, taskResult } from '../../src/train/finetune-results.js';

test('best-of-eval-history keeps the evaluation with the highest task score', () => {
  const best = bestOfHistory([
    { step: 10, metrics: { accuracy: 0.6, f1: 0.7 } },
    { step: 20, metrics: { accuracy: 0.8, f1: 0.6 } },
    { step: 30, metrics: { accuracy: 0.7, f1: 0.75 } },
  ]);
  assert.equal(best.step, 30); // mean 0.725 beats 0.70 and 0.65
});

test('a task averages each metric over seeds; its score is the mean of its metrics; the suite averages tasks', () => {
  const mrpc = taskResult(GLUE_SPECS.mrpc, 1, [
    { accuracy: 0.8, f1: 0.9 },
    { accuracy: 0.7, f1: 0.8 },
  ]);
  assert.equal(mrpc.metric, 'avg');
  assert.deepEqual(mrpc.perSeed, [0.8500000000000001, 0.75]);
  assert.ok(Math.abs(mrpc.score - 0.8) < 1e-12);
  assert.ok(Math.abs(mrpc.metrics.accuracy! - 0.75) < 1e-12 && Math.abs(mrpc.metrics.f1! - 0.85) < 1e-12);
  const mnli = taskResult(GLUE_SPECS.mnli, 2, [{ accuracy_matched: 0.84, accuracy_mismatched: 0.85 }]);
  assert.equal(mnli.metric, 'avg');
  assert.ok(Math.abs(mnli.score - 0.845) < 1e-12);
  const cola = taskResult(GLUE_SPECS.cola, 1, [{ mcc: 0.5 }, { mcc: 0.6 }, { mcc: 0.55 }, { mcc: 0.57 }]);
  assert.equal(cola.metric, 'mcc');
  assert.ok(Math.abs(cola.score - 0.555) < 1e-12);
  assert.ok(Math.abs(finetuneScore({ tasks: { mrpc, mnli, cola } })! - (0.8 + 0.845 + 0.555) / 3) < 1e-12);
  assert.equal(finetuneScore({ tasks: {} }), null);
  assert.equal(taskResult(MICRO_GLUE_SPECS.spam, 1, [{ f1: 0.9 }]).metric, 'f1');
});
