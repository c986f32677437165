/**
 * The same encoder written with plain tfjs ops and their built-in gradients: tf.gather, batched/transposed
 * tf.matMul, tf.moments LayerNorm, one-hot cross-entropy, always padded. It reads the weights of an Encoder,
 * so it is the reference that tests hold the kernels-based model to, and the "naive tfjs" side of
 * scripts/bench-model.ts. Not for training: on wasm it is several times slower (see kernels/wasm-fast-path.ts).
 * One exception on wasm: tf.gather's gradient (UnsortedSegmentSum) has no wasm kernel at all, so there the
 * gathers use kernels/gather.ts (scatter gradient); without it plain tfjs cannot train on wasm.
 */
import * as tf from '@tensorflow/tfjs-core';
import { alibiValues, MASK_BIAS } from '../../kernels/attention.js';
import { mixSeed } from '../random.js';
import { gatherRows, rowIndex } from '../../kernels/gather.js';
import { onWasm } from '../../kernels/wasm-fast-path.js';
import type { Encoder } from './encoder.js';
import { IGNORE_LABEL } from './encoder.js';
import type { MlmBatch, TokenBatch } from './types.js';

const GELU_C = Math.sqrt(2 / Math.PI);

/** tf.gather, or the scatter-gradient gather on wasm (see the file comment). */
function gather(table: tf.Tensor, ids: Int32Array | number[]): tf.Tensor2D {
  if (onWasm()) return gatherRows(table as tf.Tensor2D, rowIndex(Int32Array.from(ids)));
  return tf.gather(table, tf.tensor1d(Int32Array.from(ids), 'int32')) as tf.Tensor2D;
}

function gelu(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), GELU_C))));
}

function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-12))), gamma), beta);
}

/** Final hidden states [B·T,H] (every position, pads included), plain ops. */
export function naiveEncode(m: Encoder, b: TokenBatch, dropoutSeed: number | null): tf.Tensor2D {
  const c = m.config;
  const B = b.batchSize;
  const T = b.seqLen;
  const H = c.hidden;
  const d = H / c.heads;
  const w = (n: string) => m.weight(n);
  const drop = (x: tf.Tensor, rate: number, site: number) => (dropoutSeed === null || rate === 0 ? x : tf.dropout(x, rate, undefined, mixSeed(dropoutSeed, site)));
  let x: tf.Tensor = tf.add(gather(w('emb.word'), b.inputIds), gather(w('emb.type'), b.tokenTypeIds ?? new Int32Array(B * T)));
  if (c.positions === 'learned') x = tf.add(tf.reshape(x, [B, T, H]), tf.slice(w('emb.position'), [0, 0], [T, H]));
  x = drop(layerNorm(tf.reshape(x, [B * T, H]), w('emb.ln.gamma'), w('emb.ln.beta')), c.hiddenDropout, 1);
  const keys = tf.reshape(tf.mul(tf.sub(1, tf.tensor1d(b.attentionMask, 'float32')), MASK_BIAS), [B, 1, 1, T]);
  const bias = c.positions === 'alibi' ? tf.add(tf.tensor4d(alibiValues(c.heads, T), [1, c.heads, T, T]), keys) : keys;
  const heads = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [B, T, c.heads, d]), [0, 2, 1, 3]);
  for (let i = 0; i < c.layers; i++) {
    const p = `layer.${i}.`;
    const dense = (t: tf.Tensor, n: string) => tf.add(tf.matMul(t as tf.Tensor2D, w(`${p}${n}.w`) as tf.Tensor2D), w(`${p}${n}.b`));
    const q = heads(dense(x, 'attn.q'));
    const k = heads(dense(x, 'attn.k'));
    const v = heads(dense(x, 'attn.v'));
    const scores = tf.add(tf.div(tf.matMul(q, k, false, true), Math.sqrt(d)), bias);
    const probs = drop(tf.softmax(scores), c.attentionDropout, 100 + i);
    const ctx = tf.reshape(tf.transpose(tf.matMul(probs, v), [0, 2, 1, 3]), [B * T, H]);
    x = layerNorm(tf.add(x, drop(dense(ctx, 'attn.out'), c.hiddenDropout, 200 + i)), w(`${p}attn.ln.gamma`), w(`${p}attn.ln.beta`));
    const inner =
      c.feedForward === 'geglu'
        ? tf.mul(gelu(tf.matMul(x as tf.Tensor2D, w(`${p}ffn.gate.w`) as tf.Tensor2D)), tf.matMul(x as tf.Tensor2D, w(`${p}ffn.value.w`) as tf.Tensor2D))
        : gelu(dense(x, 'ffn.in'));
    x = layerNorm(tf.add(x, drop(dense(inner, 'ffn.out'), c.hiddenDropout, 300 + i)), w(`${p}ffn.ln.gamma`), w(`${p}ffn.ln.beta`));
  }
  return x as tf.Tensor2D;
}

/** Mean cross-entropy over masked positions, decoder tied to the word embeddings, plain ops. */
export function naiveMlmLoss(m: Encoder, b: MlmBatch, dropoutSeed: number | null): tf.Scalar {
  const hidden = naiveEncode(m, b, dropoutSeed);
  const positions: number[] = [];
  const labels: number[] = [];
  b.labels.forEach((l, p) => {
    if (l !== IGNORE_LABEL) {
      positions.push(p);
      labels.push(l);
    }
  });
  const w = (n: string) => m.weight(n);
  const h = gather(hidden, positions);
  const t = layerNorm(gelu(tf.add(tf.matMul(h, w('mlm.transform.w') as tf.Tensor2D), w('mlm.transform.b'))), w('mlm.ln.gamma'), w('mlm.ln.beta'));
  const logits = tf.add(tf.matMul(t as tf.Tensor2D, w('emb.word') as tf.Tensor2D, false, true), w('mlm.bias'));
  const onehot = tf.oneHot(tf.tensor1d(labels, 'int32'), m.vocabRows);
  return tf.neg(tf.mean(tf.sum(tf.mul(onehot, tf.logSoftmax(logits)), 1))) as tf.Scalar;
}
