/**
 * Row gather and row scatter, each the other's gradient.
 *
 * tf.gather's gradient is UnsortedSegmentSum, which tfjs-wasm lacks (it falls back to a slow path) and the cpu
 * backend runs pathologically slowly. Here the gradient of a gather is a tf.scatterND, which sums rows that
 * were gathered more than once (as a gradient must; tfjs-wasm and -cpu both sum duplicates).
 *
 * Contract:
 * - `gatherRows(table [R,C], rows [N] int32) → [N,C]`, out[i] = table[rows[i]]; d table = scatter-add of dy.
 * - `scatterRows(x [N,C], rows [N] int32, numRows R) → [R,C]`, out[rows[i]] = x[i], zeros elsewhere (rows must
 *   be distinct); dx = gather of dy.
 */
import * as tf from '@tensorflow/tfjs-core';
import { customOp } from './custom-op.js';
import { gatherRowsForward } from './wasm-fast-path.js';

/** Row indices as an int32 tensor [N] and as scatter indices [N,1]. */
export interface RowIndex {
  rows: tf.Tensor1D;
  rows2d: tf.Tensor2D;
  count: number;
}

/** Builds a RowIndex (two small int32 tensors; dispose them, or create inside tf.tidy). */
export function rowIndex(rows: Int32Array): RowIndex {
  return { rows: tf.tensor1d(rows, 'int32'), rows2d: tf.tensor2d(rows, [rows.length, 1], 'int32'), count: rows.length };
}

/** table [R,C] gathered at `index` → [N,C]; gradient: scatter-add into [R,C]. */
export function gatherRows(table: tf.Tensor2D, index: RowIndex): tf.Tensor2D {
  const [numRows, cols] = table.shape;
  // The index tensors reach the backward pass through save(): the forward scope disposes everything else.
  const f = customOp<tf.Tensor2D>(([t], save) => {
    save([index.rows2d]);
    return {
      value: gatherRowsForward(t as tf.Tensor2D, index.rows),
      gradFunc: (dy, saved) => tf.scatterND(saved[0]!, dy, [numRows, cols]),
    };
  });
  return f(table);
}

/** x [N,C] placed at rows `index` of a zero [numRows,C]; gradient: gather of dy. Rows must be distinct. */
export function scatterRows(x: tf.Tensor2D, index: RowIndex, numRows: number): tf.Tensor2D {
  const cols = x.shape[1];
  const f = customOp<tf.Tensor2D>(([v], save) => {
    save([index.rows]);
    return {
      value: tf.scatterND(index.rows2d, v!, [numRows, cols]) as tf.Tensor2D,
      gradFunc: (dy, saved) => gatherRowsForward(dy, saved[0] as tf.Tensor1D),
    };
  });
  return f(x);
}
