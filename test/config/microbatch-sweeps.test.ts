// `microbatch:` in a sweep: checked against the batch and the devices at expansion, and never part of a run id.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planFromSource } from '../../src/config/expand.js';
import { YamlSource } from '../../src/config/yaml-source.js';
import { BadFileError } from '../../src/errors.js';

const plan = (text: string) => planFromSource(YamlSource.parse('s.yaml', text));
const sweep = (extra: string, batch = 32) => `name: mb\nrunner: mock\ndefaults: { duration: 10ba, batchSize: ${batch} }\nmatrix:\n  recipe: [bert, mosaic]\n${extra}`;

test('the microbatch is not part of the run id, and reaches the run spec', () => {
  const without = plan(sweep(''));
  const withMb = plan(sweep('microbatch: 8\n'));
  assert.deepEqual(withMb.runs.map((r) => r.id), without.runs.map((r) => r.id));
  assert.deepEqual(withMb.runs.map((r) => r.microbatch), [8, 8]);
  assert.deepEqual(without.runs.map((r) => r.microbatch), [null, null]);
  // the device count still is (it sets the cost of a run)
  assert.notDeepEqual(plan(sweep('devices: 2\n')).runs.map((r) => r.id), without.runs.map((r) => r.id));
});

test('a microbatch that does not divide the per-device batch, or a batch the devices do not divide, is an error naming both numbers at its line', () => {
  const rejects = (text: string, pattern: RegExp): void =>
    assert.throws(() => plan(text), (e: unknown) => e instanceof BadFileError && pattern.test(e.message));
  rejects(sweep('devices: 2\nmicrobatch: 5\n'), /^s\.yaml:7:13: microbatch: run \{recipe: bert\}: microbatch 5 does not divide the per-device batch 16 \(batchSize 32 \/ 2 devices\)/);
  rejects(sweep('devices: 3\n'), /^s\.yaml:6:10: devices: run \{recipe: bert\}: the global batch 32 \(batchSize\) does not divide over 3 devices \(devices\)/);
  assert.equal(plan(sweep('devices: 2\nmicrobatch: 4\n')).runs.length, 2);
});
