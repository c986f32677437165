// `mbench export` on bad input: one clear line naming the path (or flag), a non-zero exit, and nothing
// written — no --out folder and no temp folder left beside it.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBackend } from '../../src/engine/backends.js';
import { writeOutputDir } from '../../src/export/output-dir.js';
import { repoRoot } from '../../src/version.js';
import { fixtureConfig, randomisedEncoder, writeFixtureCheckpoint } from './fixtures.js';

const mbench = (...args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'bin/mbench.js'), 'export', ...args], { encoding: 'utf8' });
const shape = { hidden: 8, heads: 2, intermediate: 12, layers: 1 };
let root: string;
let good: string;

before(async () => {
  await useBackend('cpu');
  root = mkdtempSync(join(tmpdir(), 'mbench-export-cli-'));
  const model = randomisedEncoder(fixtureConfig('bert', shape), 3);
  good = writeFixtureCheckpoint(join(root, 'good'), 'bert', model, 4);
  model.dispose();
});

/** Runs a failing export into a fresh --out and checks the failure contract. */
function refuses(args: string[], message: RegExp, out = join(mkdtempSync(join(root, 'out-')), 'hf')): string {
  const r = mbench(...args, '--out', out);
  assert.equal(r.status, 2, `exit status (stderr: ${r.stderr})`);
  assert.match(r.stderr, message);
  assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
  assert.equal(r.stdout, '');
  const parent = join(out, '..');
  assert.deepEqual(readdirSync(parent).filter((f) => f.includes('.tmp-')), [], 'no temp folder left');
  return r.stderr;
}

test('a truncated checkpoint is refused, naming the file', () => {
  const bytes = readFileSync(good);
  const truncated = join(root, 'truncated.ckpt');
  writeFileSync(truncated, bytes.subarray(0, bytes.length - 100));
  const out = join(root, 'out-truncated');
  refuses([truncated], new RegExp(`${truncated.replace(/[.]/g, '\\.')}: truncated checkpoint`), out);
  assert.ok(!existsSync(out));
});

test('a corrupt checkpoint (one flipped bit in the weights) is refused by its checksum', () => {
  const bytes = Buffer.from(readFileSync(good));
  bytes[bytes.length - 5]! ^= 0x10;
  const corrupt = join(root, 'corrupt.ckpt');
  writeFileSync(corrupt, bytes);
  refuses([corrupt], /corrupt\.ckpt: corrupt checkpoint \(checksum mismatch/);
  writeFileSync(join(root, 'not-a.ckpt'), 'hello');
  refuses([join(root, 'not-a.ckpt')], /not-a\.ckpt: .*(truncated|not an mbench checkpoint)/);
});

test('an unknown --format lists the valid ones', () => {
  refuses([good, '--format', 'onnx'], /unknown export format \(--format\) 'onnx'; known: hf/);
  refuses([good, '--format', 'hff'], /'hff' \(did you mean 'hf'\?\)/);
});

test('an existing non-empty --out is refused, naming it, and left as it was', () => {
  const out = join(root, 'busy');
  mkdirSync(out);
  writeFileSync(join(out, 'keep.txt'), 'mine');
  refuses([good], new RegExp(`--out ${out}: folder is not empty \\(keep\\.txt\\)`), out);
  assert.deepEqual(readdirSync(out), ['keep.txt']);
  assert.equal(readFileSync(join(out, 'keep.txt'), 'utf8'), 'mine');
  const file = join(root, 'a-file');
  writeFileSync(file, 'x');
  refuses([good], /a-file: exists and is not a folder/, file);
});

test('a missing path, or a folder without checkpoints, is refused', () => {
  refuses([join(root, 'nowhere')], /nowhere: no such file or folder; give a checkpoint/);
  mkdirSync(join(root, 'empty-run'));
  refuses([join(root, 'empty-run')], /empty-run: no checkpoints \(step-\*\.ckpt\)/);
});

test('a feature mix neither layout computes is refused, naming the recipe and the features', async () => {
  for (const [name, features, why] of [
    ['bert+alibi', { positions: 'alibi' as const }, /BertForMaskedLM has no ALiBi attention bias, and MosaicBERT's bert_layers\.py has only the GeGLU feed-forward/],
    ['bert+geglu', { feedForward: 'geglu' as const }, /BertForMaskedLM has no gated \(GeGLU\) feed-forward, and MosaicBERT's bert_layers\.py has no learned position embeddings/],
  ] as const) {
    const model = randomisedEncoder(fixtureConfig('bert', shape, features), 2);
    const ckpt = writeFixtureCheckpoint(join(root, name), name, model);
    model.dispose();
    const err = refuses([ckpt], new RegExp(`recipe '${name.replace('+', '\\+')}' \\(positions: \\w+, feedForward: \\w+\\) has no Hugging Face layout`));
    assert.match(err, why);
  }
});

test('a run folder whose newest checkpoint is torn exports the newest good one, with a warning', () => {
  const run = join(root, 'good'); // holds step 4
  const torn = join(run, 'checkpoints', 'step-00000009.ckpt');
  writeFileSync(torn, readFileSync(good).subarray(0, 500));
  const out = join(root, 'from-run');
  const r = mbench(run, '--out', out);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /export: warning: skipped a checkpoint that does not verify: .*step-00000009\.ckpt: truncated checkpoint/);
  assert.match(r.stdout, /exported .*step-00000004\.ckpt \(step 4\) as bert/);
  assert.deepEqual(readdirSync(out).sort(), ['README.md', 'config.json', 'model.safetensors', 'special_tokens_map.json', 'tokenizer_config.json', 'vocab.txt']);
});

test('a failure while writing removes the temp folder and leaves no --out', () => {
  const out = join(root, 'half');
  assert.throws(() => writeOutputDir(out, [{ name: 'ok.txt', data: 'fine' }, { name: '../escape.txt', data: 'no' }]), /bad output file name/);
  assert.ok(!existsSync(out));
  assert.deepEqual(readdirSync(root).filter((f) => f.startsWith('.half.tmp-')), []);
  assert.ok(!existsSync(join(root, 'escape.txt')));
});
