/**
 * The pretraining loop: `pretrain(options, hooks)` trains a masked-language model on a PretrainSource for a
 * duration, writes metrics.jsonl and checkpoints under `outDir`, resumes from the newest checkpoint there, and
 * returns the run's PretrainResult (summary.json's `pretrain` record).
 *
 * Deterministic from the seed: weights are initialised from it, and masking, dropout and data order use
 * generators keyed on (seed, step), so an interrupted and resumed run takes the same steps as an uninterrupted one.
 * Wall-clock time counts only training steps; evaluation, checkpoint writes and metric lines are excluded.
 *
 * One experiment, any split (./batch-split.ts): the global batch is read and masked whole on every rank (a few
 * ms of JS even at 4096 × 128), so the data order, the masks and the masked-token count that normalises the loss
 * are the same without communication; each rank computes its consecutive share in microbatches, dropout keyed by
 * global sample index; the weighted gradients are summed over microbatches and ranks (one MPI_Allreduce of a
 * flat buffer), then clipped and applied identically everywhere. Rank 0 alone writes metrics, checkpoints and
 * the result; the other ranks read the same checkpoint to resume.
 */
import { existsSync, rmSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import type { DataCursor, PretrainSource } from '../data/types.js';
import type { MlmBatch, ModelConfig } from '../model/types.js';
import type { PretrainResult } from '../results/summary.js';
import { appendJsonLine } from '../results/atomic.js';
import { checkpointsDir, metricsPath } from '../results/store.js';
import { UserError } from '../errors.js';
import { mbenchVersion } from '../version.js';
import { DEFAULT_ADAMW, type AdamWConfig } from '../../kernels/adamw.js';
import { listCheckpoints, pruneCheckpoints, writeCheckpoint, type CheckpointHeader, type RunProgress } from './checkpoint.js';
import { durationFraction, durationSeconds, durationSteps, isWallClock, parseDuration, parseRunDuration, type Duration } from './duration.js';
import { evaluateMlm } from './evaluate.js';
import { registerAllGradients } from '../engine/gradients.js';
import { SINGLE_PROCESS, type Collective } from '../engine/collectives.js';
import { batchSplit, maskedCount, microbatchesOf } from './batch-split.js';
import { clearDeviceError, deviceFault } from '../engine/webgpu.js';
import { maskTokens } from '../data/masking.js';
import { AdamWOptimizer, DEFAULT_PLACEMENT, type OptimizerPlacement } from './optimizer.js';
import { findResumePoint, trimMetrics } from './resume.js';
import { seedFor, streamFor } from '../random.js';
import { TRAINING_DEFAULTS } from './defaults.js';
import { learningRate, type LrSchedule } from './schedule.js';
import { approximateTrainFlops, modelFlopsUtilisation, tokensPerSecond } from '../model/flops.js';
import type { MetricsRecord, ProgressEvent, TrainableMlm } from './types.js';

export interface PretrainOptions {
  /** Recipe name for records (`bert`, `mosaic`, an ablation). */
  recipe: string;
  model: ModelConfig;
  /** Builds the model with weights initialised from `seed`. */
  createModel: (config: ModelConfig, seed: number) => TrainableMlm;
  source: PretrainSource;
  /** Run folder: metrics.jsonl and checkpoints/ go here. */
  outDir: string;
  /** Length of the run: `200ba`, `6400sp`, `1e6tok`, `2ep`, or wall-clock `30s`/`5m`/`1.5h`. */
  duration: string | Duration;
  seed: number;
  batchSize: number;
  seqLen: number;
  /** Fraction of real tokens masked in training (mosaic 0.3, bert 0.15). */
  maskRatio: number;
  peakLr?: number;
  /** Warmup length, any duration unit (default `0.06dur`). */
  warmup?: string | Duration;
  /** LR multiplier at the end of the run (default 0.02). */
  finalLrRatio?: number;
  adamw?: Partial<AdamWConfig>;
  /** Global gradient-norm clip (default 1.0; 0 disables). */
  clipNorm?: number;
  /** Steps (besides the last) that get the full evaluation: sweep `evalAt` points. */
  fullEvalSteps?: readonly number[];
  /** Samples of the full evaluation (0 with evalBatches 0: none). */
  fullEvalSamples?: number;
  /** Evaluate every N steps (0: only at the end) on `evalBatches` held-out batches (0: never). */
  evalEvery?: number;
  evalBatches?: number;
  /** Checkpoint every N steps (0: only at the end); keep the newest `keepCheckpoints` (0: all). */
  checkpointEvery?: number;
  keepCheckpoints?: number;
  /** Where AdamW runs: 'device' (tfjs ops, the default) or 'host' (one fused JS loop per weight). */
  optimizerPlacement?: OptimizerPlacement;
  /** Continue from the newest checkpoint in outDir (default true); false refuses a folder that has one. */
  resume?: boolean;
  /** Samples per microbatch on each device (gradient accumulation; default: the device's whole share). It changes
   *  memory, never the result. */
  microbatch?: number;
  /** The ranks of a data-parallel run (default: this process alone); `devices` is their count. */
  collective?: Collective;
  backend: string;
  device: string;
  devices?: number;
  /** Device peak float32 FLOP/s, for MFU; null when unknown. */
  peakFlopsPerSecond: number | null;
  /** How the peak was obtained (DeviceInfo.peakSource), recorded beside it. */
  peakSource?: string;
}

export interface PretrainHooks {
  onProgress?(e: ProgressEvent): void;
  onEval?(e: { step: number; loss: number; accuracy: number }): void;
  onCheckpoint?(path: string, step: number): void;
  /** `skipped`: newer checkpoints that failed verification and were moved aside (the run fell back). */
  onResume?(e: { path: string; step: number; finished: boolean; skipped: string[] }): void;
  /** Stop after the current step; a checkpoint is written and the call rejects with a UserError. */
  signal?: AbortSignal;
}

/** What the loop uses for an option its caller leaves out (src/train/defaults.ts). */
const LOOP_DEFAULTS = {
  peakLr: TRAINING_DEFAULTS.peakLr,
  warmup: TRAINING_DEFAULTS.warmup,
  finalLrRatio: TRAINING_DEFAULTS.finalLrRatio,
  clipNorm: TRAINING_DEFAULTS.clipNorm,
  evalEvery: TRAINING_DEFAULTS.evalEvery,
  evalBatches: TRAINING_DEFAULTS.evalBatches,
  fullEvalSamples: TRAINING_DEFAULTS.fullEvalSamples,
  checkpointEvery: TRAINING_DEFAULTS.checkpointEvery,
  keepCheckpoints: TRAINING_DEFAULTS.keepCheckpoints,
} as const;

export async function pretrain(options: PretrainOptions, hooks: PretrainHooks = {}): Promise<PretrainResult> {
  const o = { ...LOOP_DEFAULTS, ...options };
  const adamw: AdamWConfig = { ...DEFAULT_ADAMW, ...options.adamw };
  const duration = typeof o.duration === 'string' ? parseRunDuration(o.duration, 'duration') : o.duration;
  const warmup = typeof o.warmup === 'string' ? parseDuration(o.warmup, 'warmup', { allowZero: true }) : o.warmup;
  const stepCtx = { batchSize: o.batchSize, tokensPerSample: o.seqLen, samplesPerEpoch: o.source.samplesPerEpoch };
  const totalSteps = isWallClock(duration) ? null : durationSteps(duration, stepCtx);
  const budgetSeconds = isWallClock(duration) ? durationSeconds(duration) : null;
  const schedule: LrSchedule = {
    peakLr: o.peakLr,
    finalRatio: o.finalLrRatio,
    warmupFraction: durationFraction(warmup, { ...stepCtx, totalSteps: totalSteps ?? undefined, totalSeconds: budgetSeconds ?? undefined }),
  };
  if (o.seqLen > o.model.maxSeqLen) throw new UserError(`--seq ${o.seqLen} is longer than the model's maxSeqLen ${o.model.maxSeqLen}`);
  if (o.source.tokenizer.vocabSize > o.model.vocabSize) {
    throw new UserError(`the tokenizer has ${o.source.tokenizer.vocabSize} ids but the model's vocabulary has ${o.model.vocabSize}`);
  }
  const training: CheckpointHeader['training'] = {
    duration: duration.text, warmup: warmup.text, batchSize: o.batchSize, seqLen: o.seqLen, maskRatio: o.maskRatio,
    peakLr: o.peakLr, finalLrRatio: o.finalLrRatio, clipNorm: o.clipNorm, beta1: adamw.beta1, beta2: adamw.beta2,
    eps: adamw.eps, weightDecay: adamw.weightDecay, decayScale: adamw.decayScale, seed: o.seed,
  };
  const ranks = o.collective ?? SINGLE_PROCESS;
  if (o.devices !== undefined && o.devices !== ranks.size) throw new UserError(`the run asks for ${o.devices} devices but ${ranks.size} rank${ranks.size === 1 ? ' is' : 's are'} running`);
  const split = batchSplit(o.batchSize, ranks.size, o.microbatch);
  const writer = ranks.rank === 0;
  const ckptDir = checkpointsDir(o.outDir);
  const metricsFile = metricsPath(o.outDir);

  // 1. Find and check the resume point before writing anything. Rank 0 first: it moves a damaged checkpoint aside.
  const identity = { recipe: o.recipe, model: o.model, tokenizerId: o.source.tokenizer.id, training };
  let resume = writer ? findResumePoint(ckptDir, identity) : null;
  ranks.barrier();
  if (!writer) resume = findResumePoint(ckptDir, identity);
  if (resume && o.resume === false) throw new UserError(`${o.outDir} already holds checkpoints (${resume.path}); choose another --out or allow resuming`);

  // 2. Build the model and optimizer; restore them from the checkpoint.
  await registerAllGradients();
  clearDeviceError(); // a device error of earlier work in this process is not this run's
  const model = o.createModel(o.model, o.seed);
  const optimizer = new AdamWOptimizer(model.weights, adamw, o.clipNorm, o.optimizerPlacement ?? DEFAULT_PLACEMENT);
  try {
    let step = 0;
    let cursor: DataCursor = { epoch: 0, position: 0, seed: o.seed };
    let progress: RunProgress = { samples: 0, tokens: 0, trainSeconds: 0, flops: 0, lastLoss: null, evalLoss: null, evalAccuracy: null };
    if (resume) {
      const problem = optimizer.loadArrays(resume.arrays);
      if (problem) throw new UserError(`${resume.path}: cannot resume from this checkpoint: ${problem}`);
      ({ step, cursor, progress } = resume.header);
      hooks.onResume?.({ path: resume.path, step, finished: resume.header.finished, skipped: resume.skipped });
      if (writer) trimMetrics(metricsFile, step);
      if (resume.header.finished) return result();
    } else if (writer && existsSync(metricsFile)) {
      rmSync(metricsFile); // metrics of a run killed before its first checkpoint
    }

    // 3. Train.
    const params = model.weights.reduce((n, w) => n + w.variable.size, 0);
    const sessionStart = { step, seconds: progress.trainSeconds };
    const fullEvalSteps = new Set(o.fullEvalSteps ?? []);
    // The training clock the schedule and a wall-clock budget read. Ranks time their own steps, so with several the
    // clock is rank 0's, sent with each step's gradients (one step behind): every rank takes the same lr and stops
    // at the same step.
    let agreedSeconds = progress.trainSeconds;
    const clock = (): number => (ranks.size === 1 ? progress.trainSeconds : agreedSeconds);
    const done = (): boolean => (totalSteps !== null ? step >= totalSteps : clock() >= budgetSeconds!);
    /** The step's global batch, masked whole (the same on every rank), and this rank's microbatches of it. */
    function stepBatch(): { raw: ReturnType<PretrainSource['batch']>; global: MlmBatch; parts: MlmBatch[] } {
      const raw = o.source.batch(cursor, o.batchSize, o.seqLen);
      const masked = maskTokens(raw.inputIds, raw.attentionMask, o.maskRatio, o.source.tokenizer.special, o.source.tokenizer.vocabSize, streamFor(o.seed, 'mask', step));
      const global: MlmBatch = { batchSize: o.batchSize, seqLen: o.seqLen, inputIds: masked.inputIds, attentionMask: raw.attentionMask, labels: masked.labels };
      const whole = split.devices === 1 && split.microbatch === o.batchSize;
      return { raw, global, parts: whole ? [global] : microbatchesOf(global, split, ranks.rank) };
    }
    /**
     * One-off set-up kept out of the timed steps: the first pass of a process compiles and allocates (wasm
     * code, XNNPACK packing, native buffers) and costs 2–3× a step. One forward and backward pass on the
     * coming batch, its gradients thrown away: nothing the run computes changes (masks and dropout are keyed
     * on seed and step, not drawn from a stream), and the time goes to progress.setupSeconds.
     */
    async function warmUp(): Promise<void> {
      const t0 = performance.now();
      const batch = stepBatch().parts[0]!;
      const { value, grads } = tf.variableGrads(() => model.mlmLoss(batch, seedFor(o.seed, 'dropout', step)).loss, model.weights.map((w) => w.variable));
      const outputs = [value, ...Object.values(grads)];
      try {
        for (const t of outputs) await t.data(); // wait for the work (a GPU queues it), as a step does
      } catch (err) {
        throw deviceError(step + 1, err);
      } finally {
        tf.dispose(outputs);
      }
      progress = { ...progress, setupSeconds: (progress.setupSeconds ?? 0) + (performance.now() - t0) / 1000 };
    }
    if (!done()) await warmUp();
    let stopAsked = false;
    while (!done()) {
      const t0 = performance.now();
      const frac = totalSteps !== null ? step / totalSteps : clock() / budgetSeconds!;
      const lr = learningRate(frac, schedule);
      const { raw, global: batch, parts } = stepBatch();
      const dropoutSeed = seedFor(o.seed, 'dropout', step);
      // Each microbatch's mean loss, weighted by its share of the global batch's masked tokens (the guard in
      // maskTokens keeps that count above zero).
      const totalMasked = parts.length === 1 && parts[0] === batch ? null : maskedCount(batch);
      const lossParts = parts.map((p) => ({ loss: () => model.mlmLoss(p, dropoutSeed).loss, weight: totalMasked === null ? 1 : maskedCount(p) / totalMasked }));
      const reduction = ranks.size === 1 ? undefined : { allreduceSum: (b: Float32Array) => ranks.allreduceSum(b), barrier: () => ranks.barrier(), extra: [hooks.signal?.aborted ? 1 : 0, writer ? progress.trainSeconds : 0] };
      const { loss, gradNorm, extra, communicationSeconds, rankWaitSeconds } = await optimizer.stepAccumulated(lossParts, step + 1, lr, o.peakLr, reduction).catch((err: unknown) => {
        throw deviceError(step + 1, err);
      });
      if (reduction) {
        stopAsked = extra[0]! > 0;
        agreedSeconds = extra[1]!;
      }
      const seconds = (performance.now() - t0) / 1000;
      // A lost device, or one that refused a shader, still hands back numbers (zeros): the step is not taken.
      if (deviceFault() !== null) throw deviceError(step + 1);
      if (!Number.isFinite(loss)) throw new UserError(`training diverged at step ${step + 1} (loss ${loss}); try a lower --lr`);
      const realTokens = raw.attentionMask.reduce((n, m) => n + m, 0);
      const stepFlops = model.trainFlops?.(batch) ?? approximateTrainFlops(params, realTokens);
      step++;
      cursor = raw.next;
      progress = {
        ...progress,
        samples: progress.samples + o.batchSize,
        tokens: progress.tokens + realTokens,
        trainSeconds: progress.trainSeconds + seconds,
        flops: progress.flops + stepFlops,
        lastLoss: loss,
        ...(reduction && {
          communicationSeconds: (progress.communicationSeconds ?? 0) + communicationSeconds,
          rankWaitSeconds: (progress.rankWaitSeconds ?? 0) + rankWaitSeconds,
        }),
      };
      const tps = tokensPerSecond(progress.tokens, progress.trainSeconds);
      log({
        kind: 'train', step, loss, lr, gradNorm, tokens: realTokens, samples: progress.samples, stepSeconds: seconds, stepFlops, trainSeconds: progress.trainSeconds, tokensPerSecond: tps,
        ...(reduction && { communicationSeconds, rankWaitSeconds }), time: new Date().toISOString(),
      });
      hooks.onProgress?.({ step, totalSteps, loss, lr, tokensPerSecond: tps, trainSeconds: progress.trainSeconds, budgetSeconds, etaSeconds: eta() });
      const last = done();
      if (!last && fullEvalSteps.has(step)) await runEval('full');
      else if (!last && o.evalEvery > 0 && step % o.evalEvery === 0) await runEval('periodic');
      // Let signal and disconnect handlers run (a step is synchronous tfjs work): without this turn of the event
      // loop a Ctrl-C, a SIGTERM or the death of the sweep would only be seen after the last step.
      if (hooks.signal) await yieldToEventLoop();
      // One process stops when its signal fires; ranks stop together, at the step whose reduction carried a request.
      if (ranks.size === 1 ? hooks.signal?.aborted : stopAsked) {
        await checkpoint(false);
        // 128 + the signal's number, as a shell reports it: 130 for SIGINT (and a vanished parent), 143 for SIGTERM
        const code = hooks.signal?.reason === 'SIGTERM' ? 143 : 130;
        throw new UserError(`interrupted at step ${step}; the checkpoint in ${ckptDir} resumes it when the same command is run again`, code);
      }
      if (!last && o.checkpointEvery > 0 && step % o.checkpointEvery === 0) await checkpoint(false);
    }

    // 4. Final evaluation and checkpoint.
    await runEval('full');
    await checkpoint(true);
    return result();

    /**
     * The error to stop with when the device failed (webgpu: ../engine/webgpu.ts): a UserError saying what
     * happened and where a rerun resumes; else `cause` itself (any other failure).
     */
    function deviceError(atStep: number, cause?: unknown): unknown {
      const fault = deviceFault();
      if (fault === null) return cause ?? new Error('deviceError called with no device fault');
      const last = listCheckpoints(ckptDir).at(-1);
      const from = last ? `its last checkpoint, ${last.path} (step ${last.step})` : 'the start (no checkpoint was written yet)';
      if (fault.kind === 'lost') {
        return new UserError(`the GPU device was lost at step ${atStep} (${fault.message}); nothing since the last checkpoint was kept. Run the same command (or the sweep) again: it resumes from ${from}`, 1);
      }
      return new UserError(
        `the GPU refused work at step ${atStep}: ${fault.message}. Its results would be wrong, so the run stopped and kept nothing since ${from}. ` +
          'A binding larger than the maximum storage buffer binding size means a tensor (often the MLM logits, masked tokens × vocabulary × 4 bytes) exceeds this device: use a smaller batchSize or seqLen',
        1,
      );
    }
    function eta(): number | null {
      const steps = step - sessionStart.step;
      if (budgetSeconds !== null) return Math.max(0, budgetSeconds - progress.trainSeconds);
      if (steps < 2 || totalSteps === null) return null;
      return ((progress.trainSeconds - sessionStart.seconds) / steps) * (totalSteps - step);
    }
    function log(r: MetricsRecord): void {
      if (writer) appendJsonLine(metricsFile, r);
    }
    async function runEval(set: 'full' | 'periodic'): Promise<void> {
      if (o.evalBatches <= 0) return;
      const batches = set === 'full' ? Math.max(o.evalBatches, Math.ceil(o.fullEvalSamples / o.batchSize)) : o.evalBatches;
      const t0 = performance.now();
      const e = await evaluateMlm(model, o.source, o.seed, o.batchSize, o.seqLen, batches, { chunk: split.microbatch, ranks }).catch((err: unknown) => {
        throw deviceError(step, err);
      });
      if (deviceFault() !== null) throw deviceError(step);
      if (e.maskedTokens === 0) return; // no held-out batch of this size: leave evalLoss null rather than NaN
      progress = { ...progress, evalLoss: e.loss, evalAccuracy: e.accuracy };
      const accuracyStdErr = Math.sqrt((e.accuracy * (1 - e.accuracy)) / e.maskedTokens);
      log({
        kind: 'eval', step, evalLoss: e.loss, evalAccuracy: e.accuracy, maskedTokens: e.maskedTokens, accuracyStdErr, set,
        trainSeconds: progress.trainSeconds, tokensSeen: progress.tokens, evalSeconds: (performance.now() - t0) / 1000, time: new Date().toISOString(),
      });
      hooks.onEval?.({ step, loss: e.loss, accuracy: e.accuracy });
    }
    async function checkpoint(finished: boolean): Promise<void> {
      if (!writer) return;
      const arrays = await optimizer.toArrays().catch((err: unknown) => {
        throw deviceError(step, err);
      });
      // Arrays read from a failed device are not the weights: keep the last good checkpoint instead.
      if (deviceFault() !== null) throw deviceError(step);
      const path = writeCheckpoint(
        ckptDir,
        {
          mbenchVersion, createdAt: new Date().toISOString(), step, totalSteps, finished, recipe: o.recipe, model: o.model,
          tokenizerId: o.source.tokenizer.id, training, seed: o.seed, rng: { scheme: 'keyed-splitmix32', seed: o.seed, step }, cursor, progress,
        },
        arrays,
      );
      pruneCheckpoints(ckptDir, o.keepCheckpoints);
      hooks.onCheckpoint?.(path, step);
    }
    function result(): PretrainResult {
      return {
        steps: step,
        samples: progress.samples,
        tokens: progress.tokens,
        wallSeconds: progress.trainSeconds,
        setupSeconds: progress.setupSeconds ?? 0,
        flops: progress.flops,
        tokensPerSecond: tokensPerSecond(progress.tokens, progress.trainSeconds),
        mfu: modelFlopsUtilisation(progress.flops, progress.trainSeconds, o.peakFlopsPerSecond, ranks.size),
        peakFlopsPerSecond: o.peakFlopsPerSecond,
        ...(o.peakSource && { peakSource: o.peakSource }),
        finalLoss: progress.lastLoss ?? NaN,
        evalLoss: progress.evalLoss,
        evalAccuracy: progress.evalAccuracy,
        backend: o.backend,
        device: o.device,
        devices: ranks.size,
        ranks: ranks.size,
        microbatch: split.microbatch,
        ...(ranks.size > 1 && {
          communicationMsPerStep: step > 0 ? ((progress.communicationSeconds ?? 0) * 1000) / step : 0,
          rankWaitMsPerStep: step > 0 ? ((progress.rankWaitSeconds ?? 0) * 1000) / step : 0,
        }),
      };
    }
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}

/** One turn of the event loop (setImmediate runs after pending I/O and signal callbacks). */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
