import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { latestCheckpoint, pruneCheckpoints, listCheckpoints, readCheckpoint, readCheckpointHeader, writeCheckpoint } from '../../src/train/checkpoint.js';
import { BadFileError } from '../../src/errors.js';
import { standInConfig } from './stand-in-model.js';

const fields = (step: number) => ({
  mbenchVersion: '0.0.0', createdAt: '2026-01-01T00:00:00Z', step, totalSteps: 10, finished: false, recipe: 'bert',
  model: standInConfig(20), tokenizerId: 'tok', training: { batchSize: 4 }, seed: 1,
  rng: { scheme: 'keyed-splitmix32' as const, seed: 1, step }, cursor: { epoch: 0, position: 3, seed: 1 },
  progress: { samples: 4, tokens: 30, trainSeconds: 1.5, flops: 10, lastLoss: 2, evalLoss: null, evalAccuracy: null },
});
const arrays = [
  { name: 'w', kind: 'weight' as const, shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, -6.5]) },
  { name: 'w', kind: 'adam.m' as const, shape: [2, 3], data: Float32Array.from([0.1, 0, 0, 0, 0, 1e-7]) },
  { name: 'b', kind: 'weight' as const, shape: [1], data: Float32Array.from([Math.PI]) },
];

test('round trip: header and every tensor come back bit for bit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ckpt-'));
  const path = writeCheckpoint(dir, fields(5), arrays);
  assert.match(path, /step-00000005\.ckpt$/);
  const { header, arrays: back } = readCheckpoint(path);
  assert.equal(header.step, 5);
  assert.deepEqual(header.cursor, { epoch: 0, position: 3, seed: 1 });
  assert.deepEqual(back, arrays);
  assert.throws(() => writeCheckpoint(dir, fields(5), arrays), /refusing to overwrite/);
});

test('truncation, corruption and foreign files are errors naming the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ckpt-'));
  const path = writeCheckpoint(dir, fields(1), arrays);
  const bytes = readFileSync(path);
  writeFileSync(path, bytes.subarray(0, bytes.length - 4));
  assert.throws(() => readCheckpoint(path), (e: unknown) => e instanceof BadFileError && e.message.startsWith(path) && /truncated/.test(e.message));
  writeFileSync(path, bytes.subarray(0, 30));
  assert.throws(() => readCheckpointHeader(path), /truncated/);
  const flipped = Buffer.from(bytes);
  flipped[flipped.length - 1] = flipped[flipped.length - 1]! ^ 0xff;
  writeFileSync(path, flipped);
  assert.throws(() => readCheckpoint(path), /checksum mismatch/);
  writeFileSync(path, 'hello, not a checkpoint');
  assert.throws(() => readCheckpoint(path), /not an mbench checkpoint/);
});

test('listing, latest and pruning ignore temp files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ckpt-'));
  for (const s of [10, 2, 30]) writeCheckpoint(dir, fields(s), arrays);
  writeFileSync(join(dir, '.step-00000040.ckpt.tmp-1-abc'), 'partial');
  assert.deepEqual(listCheckpoints(dir).map((c) => c.step), [2, 10, 30]);
  assert.equal(latestCheckpoint(dir)!.step, 30);
  pruneCheckpoints(dir, 2);
  assert.deepEqual(listCheckpoints(dir).map((c) => c.step), [10, 30]);
  assert.equal(latestCheckpoint(join(dir, 'missing')), null);
});

test('an edited header is caught by its checksum; a first-format file (no header digest) is still read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ckpt-'));
  const path = writeCheckpoint(dir, fields(3), arrays);
  const bytes = readFileSync(path);
  const headerLength = bytes.readUInt32LE(8);
  const text = bytes.toString('utf8', 44, 44 + headerLength);
  assert.match(text, /"step":3,/);
  // the same length, another step: only the digest can tell
  const edited = Buffer.from(bytes);
  edited.write(text.replace('"step":3,', '"step":9,'), 44, 'utf8');
  writeFileSync(path, edited);
  assert.throws(() => readCheckpointHeader(path), (e: unknown) => e instanceof BadFileError && e.message.startsWith(path) && /checksum mismatch in the header/.test(e.message));
  // MBCKPT01: magic, length, header, blob
  const v1 = Buffer.concat([Buffer.from('MBCKPT01', 'latin1'), bytes.subarray(8, 12), bytes.subarray(44)]);
  writeFileSync(path, v1);
  const { header, arrays: back } = readCheckpoint(path);
  assert.equal(header.step, 3);
  assert.deepEqual(back, arrays);
});
