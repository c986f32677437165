// The fused masked-token MLM head on native (src/engine/native/mlm-head.ts, kernels/native/src/mlm_head.cc)
// against tfjs cpu: the unfused tiedMlmLoss path, and the plain logSoftmax composition where that path clips
// (losses over 69 nats). Odd shapes on purpose: M not a multiple of the row block or of the micro-tile, V not a
// multiple of the vocabulary chunk or of the vector width; small tiles (MBENCH_MLM_HEAD_VC/_RB) make many chunks
// and ragged blocks out of small shapes.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { tiedMlmLoss } from '../../kernels/mlm-loss.js';
import { MLM_HEAD_ENV, nativeTiedMlmLoss } from '../../src/engine/native/index.js';
import { createEncoder } from '../../src/model/encoder.js';
import { buildModelConfig, mlmRatioOf } from '../../src/model/recipes.js';
import { readJsonLines } from '../../src/results/atomic.js';
import { pretrain } from '../../src/train/pretrain.js';
import { SyntheticSource } from '../../src/data/synthetic-source.js';
import type { MetricsRecord } from '../../src/train/types.js';
import { makeBatch, tinyConfig } from '../model/helpers.js';
import { maxRelError, randn, rng, skipNative } from './compare.js';

type Loss = (h: tf.Tensor2D, table: tf.Tensor2D, bias: tf.Tensor1D, labels: Int32Array) => { loss: tf.Scalar; correct: tf.Scalar };

interface HeadInputs {
  M: number;
  H: number;
  V: number;
  h: Float32Array;
  table: Float32Array;
  bias: Float32Array;
  labels: Int32Array;
}

/** Mean −log softmax(h·tableᵀ + bias)[label] and the argmax-hit count as plain tf ops (logSoftmax: exact at any loss). */
const plainLoss: Loss = (h, table, bias, labels) => {
  const logits = tf.add(tf.matMul(h, table, false, true), bias) as tf.Tensor2D;
  const onehot = tf.oneHot(tf.tensor1d(labels, 'int32'), table.shape[0]);
  const loss = tf.neg(tf.mean(tf.sum(tf.mul(onehot, tf.logSoftmax(logits)), 1))) as tf.Scalar;
  const labelLogit = tf.sum(tf.mul(onehot, logits), 1);
  const correct = tf.sum(tf.cast(tf.greaterEqual(labelLogit, tf.max(logits, 1)), 'float32')) as tf.Scalar;
  return { loss, correct };
};

/** Random inputs; every other row's label is that row's argmax (so the correct count is not trivially 0). */
function headInputs(M: number, H: number, V: number, seed: number, scale = { h: 1, table: 0.5, bias: 0.1 }): HeadInputs {
  const h = randn([M, H], seed, scale.h).values as Float32Array;
  const table = randn([V, H], seed + 1, scale.table).values as Float32Array;
  const bias = randn([V], seed + 2, scale.bias).values as Float32Array;
  const r = rng(seed + 3);
  const labels = Int32Array.from({ length: M }, () => Math.floor(r() * V));
  if (M > 0) {
    tf.setBackend('native'); // the labels only need to be some rows' argmax; native finds it fastest
    const best = tf.tidy(() => tf.argMax(tf.add(tf.matMul(tf.tensor2d(h, [M, H]), tf.tensor2d(table, [V, H]), false, true), tf.tensor1d(bias)), 1).dataSync());
    for (let i = 0; i < M; i += 2) labels[i] = best[i]!;
  }
  return { M, H, V, h, table, bias, labels };
}

/** [loss, correct, dh, dtable, dbias] of `loss` on `backend`. */
function lossAndGrads(backend: string, loss: Loss, x: HeadInputs): Float32Array[] {
  tf.setBackend(backend);
  return tf.tidy(() => {
    const h = tf.tensor2d(x.h, [x.M, x.H]);
    const table = tf.tensor2d(x.table, [x.V, x.H]);
    const bias = tf.tensor1d(x.bias);
    let correct = NaN;
    const { value, grads } = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => {
      const out = loss(a as tf.Tensor2D, b as tf.Tensor2D, c as tf.Tensor1D, x.labels);
      correct = out.correct.dataSync()[0]!;
      return out.loss;
    })([h, table, bias]);
    return [value.dataSync(), [correct], ...grads.map((g) => g.dataSync())].map((v) => Float32Array.from(v));
  });
}

/** max |a − b| / max |b|: the error relative to the tensor's scale (gradient entries span many magnitudes). */
function scaledError(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length, 'lengths differ');
  let diff = 0;
  let size = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    diff = Number.isNaN(d) ? Infinity : Math.max(diff, d);
    size = Math.max(size, Math.abs(b[i]!));
  }
  return size === 0 ? diff : diff / size;
}

function assertSameHead(label: string, got: Float32Array[], want: Float32Array[], tol = 5e-5): void {
  const [loss, wantLoss] = [got[0]![0]!, want[0]![0]!];
  assert.ok(Math.abs(loss - wantLoss) <= 1e-5 * Math.max(1, Math.abs(wantLoss)), `${label}: loss ${loss} vs ${wantLoss}`);
  assert.equal(got[1]![0], want[1]![0], `${label}: correct count`);
  ['dh', 'dtable', 'dbias'].forEach((name, k) => {
    const e = scaledError(got[2 + k]!, want[2 + k]!);
    assert.ok(e <= tol, `${label}: ${name} differs by ${e} of its scale (tolerance ${tol})`);
  });
}

/** Runs `f` with environment variables set, restoring them after. */
function withEnv<T>(vars: Record<string, string>, f: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return f();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe('fused MLM head on native matches the unfused tfjs head on cpu (loss, correct count, gradients)', { skip: skipNative }, () => {
  after(() => tf.setBackend('cpu'));

  for (const [M, H, V] of [[203, 128, 4099], [1, 256, 4099], [50, 128, 30528], [37, 256, 30528]] as const) {
    it(`M ${M}, H ${H}, V ${V} (default tiles)`, () => {
      const x = headInputs(M, H, V, M + V);
      const want = lossAndGrads('cpu', tiedMlmLoss, x);
      const got = lossAndGrads('native', tiedMlmLoss, x);
      assert.ok(want[1]![0]! >= Math.ceil(M / 2), 'the argmax rows count as correct');
      assertSameHead(`[${M}, ${H}] × ${V}`, got, want);
    });
  }

  it('small tiles: many vocabulary chunks and row blocks, every edge ragged (M 29, H 20, V 263)', () => {
    const x = headInputs(29, 20, 263, 5);
    const want = lossAndGrads('cpu', tiedMlmLoss, x);
    for (const [vc, rb] of [['32', '12'], ['48', '1'], ['1000', '1000']] as const) {
      const got = withEnv({ MBENCH_MLM_HEAD_VC: vc, MBENCH_MLM_HEAD_RB: rb }, () => lossAndGrads('native', tiedMlmLoss, x));
      assertSameHead(`VC ${vc}, RB ${rb}`, got, want);
    }
  });

  it('the same inputs give bit-identical results on every call (sums in a fixed order, whichever thread runs a chunk)', () => {
    const x = headInputs(203, 64, 4099, 21);
    const first = lossAndGrads('native', tiedMlmLoss, x);
    for (let run = 0; run < 4; run++) {
      const again = lossAndGrads('native', tiedMlmLoss, x);
      again.forEach((v, k) => assert.deepEqual(v, first[k], `run ${run + 2}, output ${k}`));
    }
  });

  it('losses of 100+ nats are exact (the unfused head clips at 69 nats; the reference is logSoftmax)', () => {
    // Logit spread ~75: most labels sit hundreds of nats below their row's maximum.
    const x = headInputs(61, 128, 4099, 9, { h: 10, table: 2, bias: 1 });
    const want = lossAndGrads('cpu', plainLoss, x);
    const got = lossAndGrads('native', tiedMlmLoss, x);
    assert.ok(want[0]![0]! > 100, `reference loss ${want[0]![0]} should exceed 100 nats`);
    assertSameHead('large logits', got, want);
    const clipped = lossAndGrads('cpu', tiedMlmLoss, x)[0]![0]!;
    assert.ok(clipped < want[0]![0]! - 10, `the unfused head clips (${clipped} vs ${want[0]![0]})`);
  });

  it('one row 150 nats below and one ordinary row: the mean of their exact losses', () => {
    const table = Float32Array.from([-150, 0, 0.5, 1, 0, -1]);
    const x: HeadInputs = { M: 2, H: 1, V: 6, h: Float32Array.from([1, 0.7]), table, bias: new Float32Array(6), labels: Int32Array.from([0, 3]) };
    const exact = (j: number) => {
      const logits = Array.from(table, (t) => x.h[j]! * t);
      const max = Math.max(...logits);
      return max + Math.log(logits.reduce((s, l) => s + Math.exp(l - max), 0)) - logits[x.labels[j]!]!;
    };
    const got = lossAndGrads('native', tiedMlmLoss, x);
    assert.ok(Math.abs(got[0]![0]! - (exact(0) + exact(1)) / 2) < 1e-5 * 75, `loss ${got[0]![0]}`);
    assertSameHead('two rows', got, lossAndGrads('cpu', plainLoss, x));
  });

  it('no masked rows (M = 0): loss 0, count 0, zero gradients of the right shapes — fused op and tiedMlmLoss alike', () => {
    const x = headInputs(0, 16, 101, 3);
    const direct: Loss = (h, t, b, l) => {
      const both = nativeTiedMlmLoss(h, t, b, l);
      return { loss: tf.reshape(tf.slice(both, [0], [1]), []) as tf.Scalar, correct: tf.reshape(tf.slice(both, [1], [1]), []) as tf.Scalar };
    };
    for (const [backend, loss] of [['native', direct], ['native', tiedMlmLoss], ['cpu', tiedMlmLoss]] as const) {
      const [l, c, dh, dt, db] = lossAndGrads(backend, loss, x);
      assert.deepEqual([l![0], c![0]], [0, 0], backend);
      assert.deepEqual([dh!.length, dt!.length, db!.length], [0, 101 * 16, 101]);
      assert.ok(dt!.every((v) => v === 0) && db!.every((v) => v === 0), `${backend}: zero gradients`);
    }
  });

  it('a label outside the vocabulary is an error naming the row', () => {
    tf.setBackend('native');
    assert.throws(() => tf.tidy(() => nativeTiedMlmLoss(tf.zeros([2, 4]), tf.zeros([7, 4]), tf.zeros([7]), Int32Array.from([3, 7]))), /label 7 at row 1 is outside \[0, 7\)/);
    assert.throws(() => tf.tidy(() => nativeTiedMlmLoss(tf.zeros([2, 4]), tf.zeros([7, 4]), tf.zeros([7]), Int32Array.from([-1, 0]))), /label -1 at row 0/);
  });

  it(`${MLM_HEAD_ENV} selects the head; an unknown value is a clear error`, () => {
    const x = headInputs(9, 32, 150, 4, { h: 10, table: 2, bias: 1 });
    const fused = lossAndGrads('native', tiedMlmLoss, x)[0]![0]!;
    const unfused = withEnv({ [MLM_HEAD_ENV]: 'unfused' }, () => lossAndGrads('native', tiedMlmLoss, x))[0]![0]!;
    const exact = lossAndGrads('cpu', plainLoss, x)[0]![0]!;
    assert.ok(Math.abs(fused - exact) < 1e-5 * exact && unfused < exact - 1, `fused ${fused}, unfused ${unfused} (clipped), exact ${exact}`);
    assert.throws(() => withEnv({ [MLM_HEAD_ENV]: 'fast' }, () => lossAndGrads('native', tiedMlmLoss, x)), /MBENCH_NATIVE_MLM_HEAD=fast is not a head: use 'fused'/);
  });
});

describe('the encoder with the fused head on native', { skip: skipNative }, () => {
  after(() => tf.setBackend('cpu'));

  /** MLM loss, correct count and every weight's gradient of one step with the given labels. */
  function step(backend: string, labelsOf: (ids: Int32Array, mask: Uint8Array) => Int32Array) {
    tf.setBackend(backend);
    const enc = createEncoder(tinyConfig('mosaic', { unpad: true }, 300), 7);
    const batch = makeBatch([16, 9, 13, 4], 16, 300, 3);
    const labelled = { ...batch, labels: labelsOf(batch.inputIds, batch.attentionMask) };
    let correct = 0;
    const { value, grads } = tf.variableGrads(() => {
      const out = enc.mlmLoss(labelled, null);
      correct = out.correct.dataSync()[0]!;
      return out.loss;
    }, enc.weights.map((w) => w.variable));
    const result = { loss: value.dataSync()[0]!, correct, grads: Object.values(grads).map((g) => Float32Array.from(g.dataSync())) };
    tf.dispose([value, ...Object.values(grads)]);
    enc.dispose();
    return result;
  }

  it('every real token masked: loss, count and all gradients match cpu', () => {
    const all = (ids: Int32Array, mask: Uint8Array) => Int32Array.from(ids, (id, p) => (mask[p] ? (id * 31 + 7) % 300 : -100));
    const want = step('cpu', all);
    const got = step('native', all);
    assert.ok(Math.abs(got.loss - want.loss) < 1e-4 * want.loss, `loss ${got.loss} vs ${want.loss}`);
    assert.equal(got.correct, want.correct);
    // maxRelError (|Δ| / (1 + |x|)), as test/native/model.test.ts: some gradients (key biases) are 0 up to rounding.
    want.grads.forEach((g, k) => assert.ok(maxRelError(got.grads[k]!, g) < 2e-4, `gradient ${k}`));
  });

  it('no token masked: loss 0 and zero gradients', () => {
    const got = step('native', (ids) => new Int32Array(ids.length).fill(-100));
    assert.equal(got.loss, 0);
    assert.ok(got.grads.every((g) => g.every((v) => v === 0)));
  });
});

describe('pretraining on native: the fused head follows the unfused one step by step', { skip: skipNative }, () => {
  const dirs: string[] = [];
  after(() => {
    tf.setBackend('cpu');
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  async function trainLosses(head: 'fused' | 'unfused'): Promise<number[]> {
    tf.setBackend('native');
    const source = new SyntheticSource(30522, 0.8);
    const model = buildModelConfig({ recipe: 'mosaic', size: 'tiny', vocabSize: source.tokenizer.vocabSize, maxSeqLen: 64 });
    const outDir = mkdtempSync(join(tmpdir(), `mbench-fused-head-${head}-`));
    dirs.push(outDir);
    const saved = process.env[MLM_HEAD_ENV];
    process.env[MLM_HEAD_ENV] = head;
    try {
      await pretrain({
        recipe: 'mosaic', model, createModel: createEncoder, source, outDir, duration: '6ba', seed: 3, batchSize: 8, seqLen: 64,
        maskRatio: mlmRatioOf('mosaic'), evalBatches: 0, checkpointEvery: 0, keepCheckpoints: 1, backend: 'native', device: 'test', peakFlopsPerSecond: 1e9,
      });
    } finally {
      if (saved === undefined) delete process.env[MLM_HEAD_ENV];
      else process.env[MLM_HEAD_ENV] = saved;
    }
    return readJsonLines<MetricsRecord>(join(outDir, 'metrics.jsonl')).flatMap((r) => (r.kind === 'train' ? [r.loss] : []));
  }

  it('mosaic tiny, vocab 30522, 6 steps: every step loss within 1e-4 (relative)', async () => {
    const unfused = await trainLosses('unfused');
    const fused = await trainLosses('fused');
    assert.equal(fused.length, 6);
    assert.equal(unfused.length, 6);
    fused.forEach((l, i) => assert.ok(Math.abs(l - unfused[i]!) <= 1e-4 * Math.abs(unfused[i]!), `step ${i + 1}: fused ${l} vs unfused ${unfused[i]}`));
    assert.ok(fused[0]! > 9 && fused[0]! < 12, `first loss ${fused[0]} ≈ ln 30528 = 10.3`);
  });
});
