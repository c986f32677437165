/**
 * Forward + backward of one full post-LN encoder layer (src/model/layer.ts), both recipes: `bert` (learned
 * positions, padded attention, GELU MLP, dropout 0.1) and `mosaic` (ALiBi on unpadded tokens, GeGLU).
 * Gradients of a fixed upstream gradient w.r.t. every weight of the layer, in training mode (dropout on).
 */
import * as tf from '@tensorflow/tfjs-core';
import { attentionBias } from '../../kernels/attention.js';
import { rowIndex } from '../../kernels/gather.js';
import { packedRowStarts, realTokenRows } from '../../kernels/padding.js';
import { encoderLayer, addLayerWeights } from '../../src/model/layer.js';
import { buildModelConfig } from '../../src/model/recipes.js';
import { WeightStore } from '../../src/model/weights.js';
import type { KernelCase } from '../types.js';
import { batchMask, randomTensor, rowLengths, seqLen, type BenchSize, type PadPercent } from './shapes.js';

export type Recipe = 'bert' | 'mosaic';

/** Forward FLOPs: q, k, v, out projections and the feed-forward on `tokens` rows, attention core on padded rows. */
function forwardFlops(size: BenchSize, tokens: number, recipe: Recipe): number {
  const { batch, hidden: h, intermediate: i } = size;
  const ffnMatmuls = recipe === 'mosaic' ? 3 : 2;
  return 4 * 2 * tokens * h * h + 2 * 2 * batch * seqLen * seqLen * h + ffnMatmuls * 2 * tokens * h * i;
}

export function encoderLayerCase(size: BenchSize, recipe: Recipe, padPercent: PadPercent): KernelCase {
  const lengths = rowLengths(size.batch, seqLen, padPercent);
  const tokens = recipe === 'mosaic' ? lengths.reduce((a, b) => a + b, 0) : size.batch * seqLen;
  const { batch, hidden, heads, intermediate } = size;
  return {
    name: `encoder-layer-fwd-bwd/${recipe}-${size.name}/pad${padPercent}`,
    kernel: 'encoder-layer-fwd-bwd',
    shape: { batch, seq: seqLen, hidden, heads, intermediate, padPercent, tokens },
    flops: 3 * forwardFlops(size, tokens, recipe), // backward ≈ 2× forward
    setup() {
      const config = buildModelConfig({ recipe, size: size.name, vocabSize: 30522 });
      const store = new WeightStore(1);
      addLayerWeights(store, config, 0);
      const mask = batchMask(lengths, seqLen);
      const real = recipe === 'mosaic' ? rowIndex(realTokenRows(mask)) : null;
      const bias = attentionBias({ batch, seq: seqLen, heads, keyMask: mask, alibi: config.positions === 'alibi' });
      const rowsPerSample = Int32Array.from(lengths, (n) => (real ? n : seqLen));
      const rowStart = real ? packedRowStarts(mask, batch, seqLen) : null;
      const ctx = { config, batch, seq: seqLen, real, rowStart, bias: () => bias, keyMask: mask, dropoutSeed: 7, samples: { firstSample: 0, rowsPerSample } };
      const x = randomTensor([tokens, hidden], 34, 1) as tf.Tensor2D; // the model's rows: real tokens when unpadded
      const dy = randomTensor([tokens, hidden], 35, 1);
      const loss = () => tf.sum(tf.mul(encoderLayer(x, store, ctx, 0), dy)) as tf.Scalar;
      return {
        run: () => Object.values(tf.variableGrads(loss).grads),
        dispose: () => tf.dispose([x, dy, bias, ...store.weights.map((w) => w.variable), ...(real ? [real.rows, real.rows2d] : [])]),
      };
    },
  };
}
