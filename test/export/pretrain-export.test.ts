// End to end through the CLI: `mbench pretrain` a tiny bert for a few steps, `mbench export` its run folder,
// and the folder holds the run's final weights and numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../src/version.js';
import type { PretrainResult } from '../../src/results/summary.js';
import { latestCheckpoint, readCheckpoint } from '../../src/train/checkpoint.js';
import { builtinTokenizer } from './fixtures.js';
import { readSafetensors } from './safetensors-reader.js';

const mbench = (...args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'bin/mbench.js'), ...args], { encoding: 'utf8' });

test('pretrain → export: the newest checkpoint, its numbers in the card, the vocabulary in id order', { timeout: 120_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'mbench-export-e2e-'));
  const run = join(root, 'run');
  const p = mbench('pretrain', '--recipe', 'bert', '--size', 'tiny', '--backend', 'cpu', '--corpus', 'builtin', '--batch', '4', '--seq', '16',
    '--duration', '4ba', '--checkpoint-every', '2', '--eval-batches', '1', '--out', run);
  assert.equal(p.status, 0, p.stderr);
  const out = join(root, 'hf');
  const e = mbench('export', run, '--format', 'hf', '--out', out);
  assert.equal(e.status, 0, e.stderr);
  assert.match(e.stdout, /step-00000004\.ckpt \(step 4\) as bert for transformers' BertForMaskedLM/);

  const { arrays } = readCheckpoint(latestCheckpoint(join(run, 'checkpoints'))!.path);
  const word = arrays.find((a) => a.name === 'emb.word' && a.kind === 'weight')!;
  const file = readSafetensors(readFileSync(join(out, 'model.safetensors')));
  assert.deepEqual(file.tensors.get('bert.embeddings.word_embeddings.weight')!.data, word.data);

  const vocab = readFileSync(join(out, 'vocab.txt'), 'utf8').split('\n').slice(0, -1);
  assert.deepEqual(vocab, builtinTokenizer().vocab);
  assert.deepEqual(JSON.parse(readFileSync(join(out, 'special_tokens_map.json'), 'utf8')), {
    unk_token: '[UNK]', sep_token: '[SEP]', pad_token: '[PAD]', cls_token: '[CLS]', mask_token: '[MASK]',
  });
  const tokCfg = JSON.parse(readFileSync(join(out, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(tokCfg.tokenizer_class, 'BertTokenizer');
  assert.equal(tokCfg.do_lower_case, true);

  const result = JSON.parse(readFileSync(join(run, 'pretrain-result.json'), 'utf8')) as PretrainResult;
  const card = readFileSync(join(out, 'README.md'), 'utf8');
  assert.match(card, new RegExp(`\\| tokens seen \\| ${result.tokens} \\|`));
  assert.match(card, new RegExp(`\\| held-out MLM loss \\(15% masking\\) \\| ${result.evalLoss!.toFixed(4)} \\|`));
  assert.match(card, new RegExp(`\\| device \\| ${result.device.replace(/[()]/g, '\\$&')} \\(tfjs backend cpu\\) \\|`));
  assert.match(card, /\| pretraining steps \| 4 of 4 \(finished\) \|/);
  assert.match(card, /Numbers from the run's pretrain-result\.json/);
});
