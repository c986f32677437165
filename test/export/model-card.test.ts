// The model card's numbers: from summary.json when it describes the exported step, else from the checkpoint
// header (and a sweep point's fine-tuning file); what nothing recorded is "not recorded".
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBackend } from '../../src/engine/backends.js';
import { exportCheckpoint } from '../../src/export/index.js';
import { wallTimeText } from '../../src/export/model-card.js';
import type { FinetuneResult, RunSummary } from '../../src/results/summary.js';
import { fixtureConfig, randomisedEncoder, writeFixtureCheckpoint } from './fixtures.js';

let root: string;
let ckpt: string; // a mosaic checkpoint at step 7 of 10, in <root>/run/checkpoints
before(async () => {
  await useBackend('cpu');
  root = mkdtempSync(join(tmpdir(), 'mbench-export-card-'));
  const model = randomisedEncoder(fixtureConfig('mosaic', { hidden: 8, heads: 2, intermediate: 12, layers: 1 }), 1);
  ckpt = writeFixtureCheckpoint(join(root, 'run'), 'mosaic', model, 7, { tokens: 4321, trainSeconds: 150, evalLoss: 4.5, evalAccuracy: 0.25 });
  model.dispose();
});

const finetune: FinetuneResult = {
  suite: 'micro-glue',
  seeds: [1, 2],
  tasks: {
    sentiment: { metric: 'accuracy', perSeed: [0.8, 0.9], score: 0.85, metrics: { accuracy: 0.85 } },
    spam: { metric: 'avg', perSeed: [0.7, 0.75], score: 0.725, metrics: { accuracy: 0.8, f1: 0.65 } },
  },
  wallSeconds: 12,
};

function summary(steps: number): RunSummary {
  return {
    schemaVersion: 1, id: 'abc123', sweep: 'demo', name: 'mosaic-tiny-7ba-s1', recipe: 'mosaic', config: {}, seed: 1, intermediateOf: null, spec: {},
    params: 1, score: 0.7875, pricePerDeviceHour: null, costUsd: null, mbenchVersion: '0.1.0', gitCommit: null, finishedAt: 'now', finetune,
    pretrain: { steps, samples: 28, tokens: 5000, wallSeconds: 9000, flops: 1, tokensPerSecond: 1, mfu: null, finalLoss: 4, evalLoss: 4.25, evalAccuracy: 0.3125, backend: 'wasm', device: 'Test CPU (2 threads)', devices: 1 },
  };
}

function exportCard(from: string, name: string): string {
  const warnings: string[] = [];
  const out = join(root, name);
  exportCheckpoint(from, { format: 'hf', outDir: out, warn: (l) => warnings.push(l) });
  return readFileSync(join(out, 'README.md'), 'utf8') + warnings.map((w) => `WARNING ${w}\n`).join('');
}

const row = (card: string, key: string): string => card.split('\n').find((l) => l.startsWith(`| ${key} |`)) ?? `(no row '${key}')`;

test('summary.json describing this step gives every number, the device and the fine-tuning table', () => {
  writeFileSync(join(root, 'run', 'summary.json'), JSON.stringify(summary(7)));
  const card = exportCard(join(root, 'run'), 'with-summary');
  assert.match(card, /^---\nlibrary_name: transformers\npipeline_tag: fill-mask\ntags:\n- mbench\n- mosaic-bert\n- masked-lm\n---\n\n# mosaic-tiny-7ba-s1\n/);
  assert.equal(row(card, 'tokens seen'), '| tokens seen | 5,000 |');
  assert.equal(row(card, 'pretraining wall time'), '| pretraining wall time | 2.50 h (training only: evaluation and checkpoint I/O excluded) |');
  assert.equal(row(card, 'device'), '| device | Test CPU (2 threads) (tfjs backend wasm) |');
  assert.equal(row(card, 'held-out MLM loss (15% masking)'), '| held-out MLM loss (15% masking) | 4.2500 |');
  assert.equal(row(card, 'held-out MLM accuracy (15% masking)'), '| held-out MLM accuracy (15% masking) | 31.25% |');
  assert.equal(row(card, 'pretraining steps'), '| pretraining steps | 7 of 10 (an intermediate checkpoint) |');
  assert.match(row(card, 'recipe'), /^\| recipe \| `mosaic`: ALiBi attention bias \(no position embeddings\); GeGLU feed-forward; unpadded; attention dropout 0; hidden dropout 0\.1; vocabulary rows padded to a multiple of 8 \|$/);
  assert.match(row(card, 'size'), /^\| size \| `tiny`: 1 layer, hidden 8, 2 heads, feed-forward 12; [\d,]+ parameters \|$/);
  assert.match(card, /\| sentiment \| accuracy \| 85\.0 \| 80\.0, 90\.0 \|\n\| spam \| avg \| 72\.5 \| 70\.0, 75\.0 \|\n\| \*\*average\*\* \| \| \*\*78\.8\*\* \| \|/);
  assert.match(card, /Numbers from the run's summary\.json \(.*summary\.json\)\./);
  assert.match(card, /bert_layers\.py`, `configuration_bert\.py`, `bert_padding\.py` from the Hugging Face repository `mosaicml\/mosaic-bert-base`/);
  assert.match(card, /trust_remote_code=True/);
  assert.doesNotMatch(card, /not recorded|WARNING/);
});

test('summary.json of a later step: the checkpoint header numbers, the device not recorded, a point\'s fine-tuning', () => {
  writeFileSync(join(root, 'run', 'summary.json'), JSON.stringify(summary(10)));
  let card = exportCard(ckpt, 'later-summary');
  assert.equal(row(card, 'tokens seen'), '| tokens seen | 4,321 |');
  assert.equal(row(card, 'pretraining wall time'), '| pretraining wall time | 2.5 min (training only: evaluation and checkpoint I/O excluded) |');
  assert.equal(row(card, 'device'), '| device | not recorded |');
  assert.equal(row(card, 'held-out MLM loss (15% masking)'), '| held-out MLM loss (15% masking) | 4.5000 |');
  assert.match(card, /Fine-tuning scores: not recorded\./);
  assert.match(card, /Numbers from the checkpoint header \(step-00000007\.ckpt, step 7\); its summary\.json describes step 10, not this checkpoint\./);

  mkdirSync(join(root, 'run', 'points'), { recursive: true });
  writeFileSync(join(root, 'run', 'points', 'finetune-7.json'), JSON.stringify(finetune));
  card = exportCard(ckpt, 'later-summary-point');
  assert.match(card, /\| \*\*average\*\* \| \| \*\*78\.8\*\* \| \|/);
  assert.match(card, /fine-tuning from .*points\/finetune-7\.json/);
});

test('a loose checkpoint file: header numbers; device and fine-tuning not recorded', () => {
  const loose = join(root, 'loose.ckpt');
  copyFileSync(ckpt, loose);
  const card = exportCard(loose, 'loose');
  assert.match(card, /\n# loose\.ckpt\n/);
  assert.equal(row(card, 'device'), '| device | not recorded |');
  assert.match(card, /Fine-tuning scores: not recorded\./);
});

test('an unreadable summary.json is a warning, not a failure', () => {
  writeFileSync(join(root, 'run', 'summary.json'), '{"schemaVersion": 1, "pretrain": ');
  const card = exportCard(ckpt, 'bad-summary');
  assert.match(card, /WARNING .*summary\.json: not valid JSON .*; the model card does not use it/);
  assert.equal(row(card, 'tokens seen'), '| tokens seen | 4,321 |');
});

test('wall time reads in the unit that suits it', () => {
  assert.deepEqual([5, 119.94, 120, 7199, 7200, 36000].map(wallTimeText), ['5.0 s', '119.9 s', '2.0 min', '120.0 min', '2.00 h', '10.00 h']);
});
