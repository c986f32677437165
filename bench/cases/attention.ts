/**
 * Attention with ALiBi (kernels/attention.ts), padded — every row computed at full length — and unpadded —
 * q, k, v projected on real tokens only and re-padded around the attention core, as MosaicBERT does
 * (kernels/padding.ts) — plus the pad/unpad round trip on its own.
 */
import * as tf from '@tensorflow/tfjs-core';
import { attention, attentionBias } from '../../kernels/attention.js';
import { rowIndex, type RowIndex } from '../../kernels/gather.js';
import { linear } from '../../kernels/matmul.js';
import { realTokenRows, repad, unpad } from '../../kernels/padding.js';
import type { KernelCase } from '../types.js';
import { batchMask, randomTensor, rowLengths, seqLen, type BenchSize, type PadPercent } from './shapes.js';

/** FLOPs of the attention core on padded [B, S]: QKᵀ and PV, 2·B·S²·H each. */
function coreFlops(batch: number, hidden: number): number {
  return 2 * 2 * batch * seqLen * seqLen * hidden;
}

/** FLOPs of the q, k, v and output projections on `tokens` rows: 4 × 2·T·H·H. */
function projectionFlops(tokens: number, hidden: number): number {
  return 4 * 2 * tokens * hidden * hidden;
}

interface AttentionSetup {
  weights: tf.Tensor[];
  project: (x: tf.Tensor2D, n: 0 | 1 | 2 | 3) => tf.Tensor2D;
  bias: tf.Tensor4D;
  real: RowIndex;
}

function attentionSetup(size: BenchSize, padPercent: PadPercent): AttentionSetup {
  const { batch, hidden, heads } = size;
  const mask = batchMask(rowLengths(batch, seqLen, padPercent), seqLen);
  const ws = [0, 1, 2, 3].map((n) => randomTensor([hidden, hidden], 40 + n) as tf.Tensor2D);
  const bs = [0, 1, 2, 3].map(() => tf.zeros([hidden]) as tf.Tensor1D);
  const real = rowIndex(realTokenRows(mask));
  return {
    weights: [...ws, ...bs, real.rows, real.rows2d],
    project: (x, n) => linear(x, ws[n]!, bs[n]!),
    bias: attentionBias({ batch, seq: seqLen, heads, keyMask: mask, alibi: true }),
    real,
  };
}

function shapeOf(size: BenchSize, padPercent: PadPercent, tokens: number): Record<string, number> {
  return { batch: size.batch, seq: seqLen, hidden: size.hidden, heads: size.heads, padPercent, tokens };
}

/** x [B·S, H] → q, k, v → attention over all rows → output projection [B·S, H]. */
export function paddedAttentionCase(size: BenchSize, padPercent: PadPercent): KernelCase {
  const tokens = size.batch * seqLen;
  return {
    name: `attention-alibi-padded/${size.name}/pad${padPercent}`,
    kernel: 'attention-alibi-padded',
    shape: shapeOf(size, padPercent, tokens),
    flops: projectionFlops(tokens, size.hidden) + coreFlops(size.batch, size.hidden),
    setup() {
      const s = attentionSetup(size, padPercent);
      const x = randomTensor([tokens, size.hidden], 3, 1) as tf.Tensor2D;
      const opts = { batch: size.batch, seq: seqLen, heads: size.heads };
      return {
        run: () => s.project(attention(s.project(x, 0), s.project(x, 1), s.project(x, 2), s.bias, opts), 3),
        dispose: () => tf.dispose([x, s.bias, ...s.weights]),
      };
    },
  };
}

/** x [T, H] (real tokens) → q, k, v on T rows → re-pad → attention → unpad → output projection [T, H]. */
export function unpaddedAttentionCase(size: BenchSize, padPercent: PadPercent): KernelCase {
  const tokens = rowLengths(size.batch, seqLen, padPercent).reduce((a, b) => a + b, 0);
  const paddedRows = size.batch * seqLen;
  return {
    name: `attention-alibi-unpadded/${size.name}/pad${padPercent}`,
    kernel: 'attention-alibi-unpadded',
    shape: shapeOf(size, padPercent, tokens),
    flops: projectionFlops(tokens, size.hidden) + coreFlops(size.batch, size.hidden),
    setup() {
      const s = attentionSetup(size, padPercent);
      const x = randomTensor([tokens, size.hidden], 3, 1) as tf.Tensor2D;
      const opts = { batch: size.batch, seq: seqLen, heads: size.heads };
      const padded = (t: tf.Tensor2D) => repad(t, s.real, paddedRows);
      return {
        run: () => {
          const context = attention(padded(s.project(x, 0)), padded(s.project(x, 1)), padded(s.project(x, 2)), s.bias, opts);
          return s.project(unpad(context, s.real), 3);
        },
        dispose: () => tf.dispose([x, s.bias, ...s.weights]),
      };
    },
  };
}

/** unpad [B·S, H] → [T, H], then repad → [B·S, H]: reads and writes B·S·H and T·H floats once each. */
export function padUnpadCase(size: BenchSize, padPercent: PadPercent): KernelCase {
  const lengths = rowLengths(size.batch, seqLen, padPercent);
  const tokens = lengths.reduce((a, b) => a + b, 0);
  const paddedRows = size.batch * seqLen;
  return {
    name: `pad-unpad/${size.name}/pad${padPercent}`,
    kernel: 'pad-unpad',
    shape: { batch: size.batch, seq: seqLen, hidden: size.hidden, padPercent, tokens },
    bytes: 4 * 2 * (paddedRows + tokens) * size.hidden,
    setup() {
      const x = randomTensor([paddedRows, size.hidden], 6, 1) as tf.Tensor2D;
      const real = rowIndex(realTokenRows(batchMask(lengths, seqLen)));
      return {
        run: () => repad(unpad(x, real), real, paddedRows),
        dispose: () => tf.dispose([x, real.rows, real.rows2d]),
      };
    },
  };
}
