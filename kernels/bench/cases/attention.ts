/**
 * Attention with ALiBi, padded (every row computed at full length) and unpadded (projections on real tokens
 * only, re-padded around the attention core as MosaicBERT does), and the pad/unpad round trip on its own.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelCase } from '../types.js';
import { attentionMask, realTokenIndices, randomTensor, rowLengths, seqLen, type BenchSize, type PadPercent } from './shapes.js';
import { alibiAttentionCore, alibiBias, repad, unpad } from './standins.js';

/** FLOPs of the attention core on padded [B, S]: QKᵀ and PV, 2·B·S²·H each. */
function coreFlops(batch: number, hidden: number): number {
  return 2 * 2 * batch * seqLen * seqLen * hidden;
}

/** FLOPs of the QKV and output projections on `tokens` rows: 2·T·H·3H + 2·T·H·H. */
function projectionFlops(tokens: number, hidden: number): number {
  return 2 * tokens * hidden * 4 * hidden;
}

function shapeOf(size: BenchSize, padPercent: PadPercent): Record<string, number> {
  return { batch: size.batch, seq: seqLen, hidden: size.hidden, heads: size.heads, padPercent };
}

interface AttentionInputs {
  lengths: number[];
  x: tf.Tensor3D;
  wQkv: tf.Tensor2D;
  wOut: tf.Tensor2D;
  bias: tf.Tensor3D;
  maskBias: tf.Tensor4D;
}

function attentionInputs(size: BenchSize, padPercent: PadPercent): AttentionInputs {
  const lengths = rowLengths(size.batch, seqLen, padPercent);
  const mask = attentionMask(lengths, seqLen);
  const maskBias = tf.reshape(tf.mul(tf.sub(1, mask), -1e9), [size.batch, 1, 1, seqLen]) as tf.Tensor4D;
  mask.dispose();
  return {
    lengths,
    x: randomTensor([size.batch, seqLen, size.hidden], 3, 1) as tf.Tensor3D,
    wQkv: randomTensor([size.hidden, 3 * size.hidden], 4) as tf.Tensor2D,
    wOut: randomTensor([size.hidden, size.hidden], 5) as tf.Tensor2D,
    bias: alibiBias(size.heads, seqLen),
    maskBias,
  };
}

export function paddedAttentionCase(size: BenchSize, padPercent: PadPercent): KernelCase {
  const tokens = size.batch * seqLen;
  return {
    name: `attention-alibi-padded/${size.name}/pad${padPercent}`,
    kernel: 'attention-alibi-padded',
    shape: shapeOf(size, padPercent),
    flops: projectionFlops(tokens, size.hidden) + coreFlops(size.batch, size.hidden),
    setup() {
      const inp = attentionInputs(size, padPercent);
      const { batch, hidden, heads } = size;
      return {
        run: () => {
          const qkv = tf.reshape(tf.matMul(tf.reshape(inp.x, [tokens, hidden]), inp.wQkv), [batch, seqLen, 3 * hidden]) as tf.Tensor3D;
          const context = alibiAttentionCore(qkv, inp.bias, inp.maskBias, heads);
          return tf.matMul(tf.reshape(context, [tokens, hidden]), inp.wOut);
        },
        dispose: () => tf.dispose(Object.values(inp).filter((v): v is tf.Tensor => v instanceof tf.Tensor)),
      };
    },
  };
}

export function unpaddedAttentionCase(size: BenchSize, padPercent: PadPercent): KernelCase {
  const tokens = rowLengths(size.batch, seqLen, padPercent).reduce((a, b) => a + b, 0);
  return {
    name: `attention-alibi-unpadded/${size.name}/pad${padPercent}`,
    kernel: 'attention-alibi-unpadded',
    shape: { ...shapeOf(size, padPercent), tokens },
    flops: projectionFlops(tokens, size.hidden) + coreFlops(size.batch, size.hidden),
    setup() {
      const inp = attentionInputs(size, padPercent);
      const { batch, hidden, heads } = size;
      const flat = realTokenIndices(inp.lengths, seqLen);
      const indices = tf.tensor1d(flat, 'int32');
      const indices2d = tf.tensor2d(flat, [flat.length, 1], 'int32');
      const xUnpadded = unpad(inp.x, indices); // [T, H]: the unpadded model's activations
      return {
        run: () => {
          const qkv = repad(tf.matMul(xUnpadded, inp.wQkv), indices2d, batch, seqLen); // [B, S, 3H]
          const context = unpad(alibiAttentionCore(qkv, inp.bias, inp.maskBias, heads), indices); // [T, H]
          return tf.matMul(context, inp.wOut);
        },
        dispose: () => tf.dispose([indices, indices2d, xUnpadded, inp.x, inp.wQkv, inp.wOut, inp.bias, inp.maskBias]),
      };
    },
  };
}

/** Unpad [B, S, H] → [T, H] then re-pad → [B, S, H]: bytes = read B·S·H + write T·H + read T·H + write B·S·H. */
export function padUnpadCase(size: BenchSize, padPercent: PadPercent): KernelCase {
  const lengths = rowLengths(size.batch, seqLen, padPercent);
  const tokens = lengths.reduce((a, b) => a + b, 0);
  return {
    name: `pad-unpad/${size.name}/pad${padPercent}`,
    kernel: 'pad-unpad',
    shape: { batch: size.batch, seq: seqLen, hidden: size.hidden, padPercent, tokens },
    bytes: 4 * 2 * (size.batch * seqLen + tokens) * size.hidden,
    setup() {
      const x = randomTensor([size.batch, seqLen, size.hidden], 6, 1) as tf.Tensor3D;
      const flat = realTokenIndices(lengths, seqLen);
      const indices = tf.tensor1d(flat, 'int32');
      const indices2d = tf.tensor2d(flat, [flat.length, 1], 'int32');
      return {
        run: () => repad(unpad(x, indices), indices2d, size.batch, seqLen),
        dispose: () => tf.dispose([x, indices, indices2d]),
      };
    },
  };
}
