/**
 * From a pretraining request to a running job: picks the backend, opens the token source, builds the model config
 * from the recipe and size, turns evalAt points into steps, and calls `pretrain`. A request is complete and typed
 * (durations parsed, every setting given): src/config/pretrain-request.ts builds it, from a sweep's RunSpec or
 * from `mbench pretrain`'s flags, so a run means the same thing from either.
 */
import { useBackend } from '../engine/backends.js';
import type { Collective } from '../engine/collectives.js';
import { openPretrainSource } from '../data/default-source.js';
import { createEncoder } from '../model/encoder.js';
import { buildModelConfig } from '../model/recipes.js';
import type { ModelFeatures, SizeName } from '../model/types.js';
import { UserError } from '../errors.js';
import type { PretrainResult } from '../results/summary.js';
import { TRAINING_DEFAULTS } from './defaults.js';
import { durationSteps, fractionOf, isWallClock, type Duration } from './duration.js';
import { pretrain, type PretrainHooks, type PretrainOptions } from './pretrain.js';

export interface PretrainRequest {
  /** The name records and checkpoints carry: `bert`, `mosaic`, or a sweep recipe's name (an ablation). */
  recipe: string;
  /** The built-in recipe the model is built from; `features` set every feature a sweep recipe changes. */
  modelRecipe: string;
  features: Partial<ModelFeatures>;
  size: SizeName;
  outDir: string;
  duration: Duration;
  warmup: Duration;
  seed: number;
  batchSize: number;
  seqLen: number;
  peakLr: number;
  finalLrRatio: number;
  weightDecay: number;
  maskRatio: number;
  backend: string;
  /** Corpus files/folders; empty = the embedded default corpus; [BUILTIN_CORPUS] = the built-in text. */
  corpus: readonly string[];
  /** Absent: the default tokenizer (bert-base-uncased). */
  tokenizer?: string;
  cacheRoot?: string;
  /** Data-parallel ranks the run trains on (the processes `mpirun`/`srun` started, one per device). */
  devices: number;
  /** Samples per microbatch on each device; absent: the device's whole share of the batch. */
  microbatch?: number;
  evalEvery: number;
  evalBatches: number;
  /** Held-out samples of the full evaluation at the end (and at evalAt points). */
  fullEvalSamples: number;
  /** Steps; absent when the interval is not given in steps (the loop's default applies). */
  checkpointEvery?: number;
  keepCheckpoints: number;
  /** Intermediate points (sweep `evalAt`) that get the full evaluation and a kept checkpoint. */
  evalAt: readonly Duration[];
  /** Logs data preparation (tokenizer, token cache) lines. */
  log?: (line: string) => void;
}

/** Resolves a request into PretrainOptions (backend activated, data ready, model config built); `collective`: the
 *  ranks of a multi-device run, when this process is one. */
export async function resolvePretrain(r: PretrainRequest, collective?: Collective): Promise<PretrainOptions> {
  buildModelConfig({ recipe: r.modelRecipe, size: r.size, vocabSize: 8, features: r.features }); // names first, before slow work
  const backend = await useBackend(r.backend);
  r.log?.(`backend ${backend.name}${backend.reason ? ` (${backend.reason})` : ''} — ${backend.device}`);
  const source = await openPretrainSource(r);
  const model = buildModelConfig({ recipe: r.modelRecipe, size: r.size, vocabSize: source.tokenizer.vocabSize, maxSeqLen: TRAINING_DEFAULTS.maxSeqLen, features: r.features });
  const pointSteps = evalAtSteps(r, source.samplesPerEpoch);
  // A checkpoint interval that lands on every intermediate step, so each point's checkpoint exists.
  const checkpointEvery = pointSteps.length ? pointSteps.reduce(gcd, r.checkpointEvery ?? pointSteps[0]!) : r.checkpointEvery;
  return {
    recipe: r.recipe,
    model,
    createModel: createEncoder,
    source,
    outDir: r.outDir,
    duration: r.duration,
    warmup: r.warmup,
    seed: r.seed,
    batchSize: r.batchSize,
    seqLen: r.seqLen,
    maskRatio: r.maskRatio,
    peakLr: r.peakLr,
    finalLrRatio: r.finalLrRatio,
    adamw: { weightDecay: r.weightDecay },
    evalEvery: r.evalEvery,
    evalBatches: r.evalBatches,
    fullEvalSamples: r.fullEvalSamples,
    fullEvalSteps: pointSteps, // each point is scored on the same full held-out set as the run's end
    ...(checkpointEvery !== undefined && { checkpointEvery }),
    keepCheckpoints: r.keepCheckpoints,
    backend: backend.name,
    device: backend.device,
    devices: r.devices,
    ...(r.microbatch !== undefined && { microbatch: r.microbatch }),
    ...(collective && { collective }),
    peakFlopsPerSecond: backend.peakFlopsPerSecond,
    peakSource: backend.peakSource,
  };
}

/** One call for callers (`mbench pretrain`): resolve the request, then pretrain. */
export async function runPretraining(r: PretrainRequest, hooks: PretrainHooks = {}, collective?: Collective): Promise<PretrainResult> {
  return pretrain(await resolvePretrain(r, collective), hooks);
}

/** Greatest common divisor, for a checkpoint interval that lands on every intermediate step. */
const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** The step of each evalAt point: its fraction of the run's steps, rounded, at least 1. */
export function evalAtSteps(r: PretrainRequest, samplesPerEpoch: number): number[] {
  return r.evalAt.map((at) => {
    if (isWallClock(r.duration)) {
      throw new UserError(`evalAt point ${at.text}: intermediate points of wall-clock runs (${r.duration.text}) are not supported; give the run a step, sample or token length`);
    }
    const total = durationSteps(r.duration, { batchSize: r.batchSize, tokensPerSample: r.seqLen, samplesPerEpoch });
    return Math.max(1, Math.round((fractionOf(at, r.duration) ?? 0) * total));
  });
}
