/**
 * Forward + backward of one full post-LN encoder layer, both recipes: `bert` (padded attention, GELU MLP)
 * and `mosaic` (ALiBi on unpadded tokens, GeGLU). Gradients of a fixed upstream gradient w.r.t. every weight.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelCase } from '../types.js';
import { attentionMask, realTokenIndices, randomTensor, rowLengths, seqLen, type BenchSize, type PadPercent } from './shapes.js';
import { alibiAttentionCore, alibiBias, gelu, layerNorm, repad, unpad } from './standins.js';

export type Recipe = 'bert' | 'mosaic';

/** Forward FLOPs of the layer's matmuls on `tokens` rows plus the padded attention core; backward ≈ 2× forward. */
function layerFlops(size: BenchSize, tokens: number, recipe: Recipe): number {
  const { batch, hidden: h, intermediate: i } = size;
  const ffnMatmuls = recipe === 'mosaic' ? 3 : 2;
  const forward = 2 * tokens * h * 4 * h + 2 * 2 * batch * seqLen * seqLen * h + ffnMatmuls * 2 * tokens * h * i;
  return 3 * forward;
}

export function encoderLayerCase(size: BenchSize, recipe: Recipe, padPercent: PadPercent): KernelCase {
  const lengths = rowLengths(size.batch, seqLen, padPercent);
  const tokens = recipe === 'mosaic' ? lengths.reduce((a, b) => a + b, 0) : size.batch * seqLen;
  const { batch, hidden, heads, intermediate } = size;
  return {
    name: `encoder-layer-fwd-bwd/${recipe}-${size.name}/pad${padPercent}`,
    kernel: 'encoder-layer-fwd-bwd',
    shape: { batch, seq: seqLen, hidden, heads, intermediate, padPercent, tokens },
    flops: layerFlops(size, tokens, recipe),
    setup() {
      const ffnIn = recipe === 'mosaic' ? 2 * intermediate : intermediate;
      const weights = {
        wQkv: tf.variable(randomTensor([hidden, 3 * hidden], 30)),
        wOut: tf.variable(randomTensor([hidden, hidden], 31)),
        w1: tf.variable(randomTensor([hidden, ffnIn], 32)),
        w2: tf.variable(randomTensor([intermediate, hidden], 33)),
        g1: tf.variable(tf.ones([hidden])),
        b1: tf.variable(tf.zeros([hidden])),
        g2: tf.variable(tf.ones([hidden])),
        b2: tf.variable(tf.zeros([hidden])),
      };
      const mask = attentionMask(lengths, seqLen);
      const maskBias = tf.reshape(tf.mul(tf.sub(1, mask), -1e9), [batch, 1, 1, seqLen]) as tf.Tensor4D;
      const bias = recipe === 'mosaic' ? alibiBias(heads, seqLen) : tf.zeros([heads, seqLen, seqLen]) as tf.Tensor3D;
      const flat = realTokenIndices(lengths, seqLen);
      const indices = tf.tensor1d(flat, 'int32');
      const indices2d = tf.tensor2d(flat, [flat.length, 1], 'int32');
      const x = randomTensor([tokens, hidden], 34, 1) as tf.Tensor2D; // unpadded rows for mosaic, all rows for bert
      const dy = randomTensor([tokens, hidden], 35, 1);
      const w = weights;
      const forward = (): tf.Tensor2D => {
        let qkv = tf.matMul(x, w.wQkv) as tf.Tensor2D;
        const qkvPadded = recipe === 'mosaic' ? repad(qkv, indices2d, batch, seqLen) : (tf.reshape(qkv, [batch, seqLen, 3 * hidden]) as tf.Tensor3D);
        const ctxPadded = alibiAttentionCore(qkvPadded, bias, maskBias, heads);
        const ctx = recipe === 'mosaic' ? unpad(ctxPadded, indices) : (tf.reshape(ctxPadded, [tokens, hidden]) as tf.Tensor2D);
        const a = layerNorm(tf.add(x, tf.matMul(ctx, w.wOut)), w.g1 as tf.Variable<tf.Rank.R1>, w.b1 as tf.Variable<tf.Rank.R1>) as tf.Tensor2D;
        let inner: tf.Tensor2D;
        if (recipe === 'mosaic') {
          const [gate, value] = tf.split(tf.matMul(a, w.w1), 2, 1);
          inner = tf.mul(gelu(gate!), value!) as tf.Tensor2D;
        } else inner = gelu(tf.matMul(a, w.w1)) as tf.Tensor2D;
        qkv = layerNorm(tf.add(a, tf.matMul(inner, w.w2)), w.g2 as tf.Variable<tf.Rank.R1>, w.b2 as tf.Variable<tf.Rank.R1>) as tf.Tensor2D;
        return qkv;
      };
      return {
        run: () => Object.values(tf.variableGrads(() => tf.sum(tf.mul(forward(), dy)) as tf.Scalar).grads),
        dispose: () => tf.dispose([...Object.values(weights), mask, maskBias, bias, indices, indices2d, x, dy]),
      };
    },
  };
}
