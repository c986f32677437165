/**
 * How one optimizer step's global batch is divided (Composer's terms, DESIGN.md "Batches and devices"): over
 * `devices` data-parallel ranks, each computing `perDevice` consecutive samples, and each rank's share into
 * microbatches of `microbatch` samples whose gradients are summed before the update (gradient accumulation).
 * The split changes memory and speed, never the result: every sample keeps its global index (its dropout is
 * keyed by it) and each microbatch's loss is weighted by its share of the step's masked tokens.
 */
import { UserError } from '../errors.js';
import { IGNORE_LABEL, type MlmBatch } from '../model/types.js';

export interface BatchSplit {
  globalBatch: number;
  devices: number;
  /** Samples per rank: globalBatch / devices. */
  perDevice: number;
  /** Samples per microbatch on each rank; divides perDevice. */
  microbatch: number;
}

/** What the user calls the three numbers, for messages: flags of `mbench pretrain`, keys of a sweep. */
export interface SplitNames {
  batch: string;
  devices: string;
  microbatch: string;
}

export const COMMAND_SPLIT_NAMES: SplitNames = { batch: '--batch', devices: '--devices', microbatch: '--microbatch' };

/** Checks and returns the split; a UserError names both numbers when one does not divide the other. */
export function batchSplit(globalBatch: number, devices: number, microbatch: number | undefined, names: SplitNames = COMMAND_SPLIT_NAMES): BatchSplit {
  if (!(Number.isInteger(devices) && devices >= 1)) throw new UserError(`${names.devices} must be a whole number ≥ 1, got ${devices}`);
  if (globalBatch % devices !== 0) {
    throw new UserError(`the global batch ${globalBatch} (${names.batch}) does not divide over ${devices} devices (${names.devices}): give a batch that is a multiple of ${devices}, or another device count`);
  }
  const perDevice = globalBatch / devices;
  const mb = microbatch ?? perDevice;
  if (!(Number.isInteger(mb) && mb >= 1)) throw new UserError(`${names.microbatch} must be a whole number ≥ 1, got ${mb}`);
  if (perDevice % mb !== 0) {
    const how = devices === 1 ? `${names.batch} ${globalBatch}` : `${names.batch} ${globalBatch} / ${devices} devices`;
    throw new UserError(`${names.microbatch} ${mb} does not divide the per-device batch ${perDevice} (${how}); choose a divisor of ${perDevice}`);
  }
  return { globalBatch, devices, perDevice, microbatch: mb };
}

/**
 * The microbatches rank `rank` computes of a step's masked global batch: consecutive samples, views into `b`'s
 * arrays, each tagged with the global index of its first sample.
 */
export function microbatchesOf(b: MlmBatch, split: BatchSplit, rank: number): MlmBatch[] {
  const T = b.seqLen;
  const out: MlmBatch[] = [];
  for (let first = rank * split.perDevice; first < (rank + 1) * split.perDevice; first += split.microbatch) {
    const [from, to] = [first * T, (first + split.microbatch) * T];
    out.push({
      batchSize: split.microbatch,
      seqLen: T,
      inputIds: b.inputIds.subarray(from, to),
      attentionMask: b.attentionMask.subarray(from, to),
      labels: b.labels.subarray(from, to),
      ...(b.tokenTypeIds && { tokenTypeIds: b.tokenTypeIds.subarray(from, to) }),
      firstSample: (b.firstSample ?? 0) + first,
    });
  }
  return out;
}

/** Positions with a label: the masked tokens a microbatch's mean loss is taken over. */
export function maskedCount(b: MlmBatch): number {
  let n = 0;
  for (let i = 0; i < b.labels.length; i++) if (b.labels[i] !== IGNORE_LABEL) n++;
  return n;
}
