// A helper thread of mbench's SIMD kernel pool (kernels/wasm-pool.ts): it instantiates the kernels on tfjs-wasm's
// shared heap and runs its share of each job the main thread posts. Plain JavaScript: worker_threads loads it
// directly. Protocol (Int32Array `ctrl` over a SharedArrayBuffer, Float64Array `slots` per thread):
//   ctrl[0] job sequence number (the main thread bumps it and notifies), ctrl[1] helpers still working,
//   ctrl[2] helpers ready; slot w: [op, args…, failed flag, result].
import { workerData } from 'node:worker_threads';

const { memory, bytes, control, slotBuffer, index, slotSize } = workerData;
const kernels = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports;
const ctrl = new Int32Array(control);
const slot = new Float64Array(slotBuffer, index * slotSize * 8, slotSize);

const blockSums = new Float64Array(workerData.blockSums);
const BLOCK = workerData.block;

// Σ x² per fixed block of BLOCK floats for blocks [first, end) of x (byte offset) with n floats in all.
function sumBlocks(x, n, first, end) {
  for (let b = first; b < end; b++) blockSums[b] = kernels.sum_squares(x + 4 * b * BLOCK, Math.min(BLOCK, n - b * BLOCK));
}

function run() {
  const a = slot;
  switch (a[0]) {
    case 1: kernels.transpose32_rows(a[1], a[2], a[3], a[4], a[5], a[6]); break;
    case 2: kernels.row_max(a[1], a[2], a[3], a[4]); break;
    case 3: sumBlocks(a[1], a[2], a[3], a[4]); break;
    case 4: kernels.adamw(a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15]); break;
    case 5: kernels.transpose32(a[1], a[2], a[3], a[4], a[5]); break;
    case 6: kernels.row_sum(a[1], a[2], a[3], a[4]); break;
    case 7: kernels.geglu_forward(a[1], a[2], a[3], a[4]); break;
    case 8: kernels.geglu_backward(a[1], a[2], a[3], a[4], a[5], a[6]); break;
    default: break; // 0: nothing for this thread this time
  }
}

let seen = Atomics.load(ctrl, 0);
Atomics.add(ctrl, 2, 1);
Atomics.notify(ctrl, 2);
for (;;) {
  Atomics.wait(ctrl, 0, seen);
  seen = Atomics.load(ctrl, 0);
  try {
    run();
    slot[slotSize - 2] = 0;
  } catch {
    slot[slotSize - 2] = 1; // the main thread throws; this thread stays alive for the next job
  }
  if (Atomics.sub(ctrl, 1, 1) === 1) Atomics.notify(ctrl, 1);
}
