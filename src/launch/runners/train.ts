/**
 * The real runner: pretrain with src/train (which resumes from the run's own checkpoints), then fine-tune the
 * final checkpoint — and each intermediate point's checkpoint (sweep `evalAt`) — on the sweep's suite.
 * Intermediate checkpoints are hard-linked into <run>/points/ as they are written, so checkpoint pruning never
 * removes them; each point's fine-tuning result is saved (<run>/points/finetune-<step>.json) so a run killed
 * during fine-tuning does not redo the points it finished.
 */
import { existsSync, linkSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fractionOf, parseDuration, parseRunDuration, type Duration } from '../../config/duration.js';
import { featuresOf } from '../../config/estimate.js';
import type { RunSpec } from '../../config/runSpec.js';
import { UserError } from '../../errors.js';
import { RECIPES } from '../../model/recipes.js';
import { readJson, writeJsonAtomic } from '../../results/atomic.js';
import { checkpointsDir } from '../../results/store.js';
import type { FinetuneResult, PretrainResult } from '../../results/summary.js';
import { checkpointFileName, latestCheckpoint, readCheckpointHeader } from '../../train/checkpoint.js';
import { durationSteps } from '../../train/duration.js';
import { finetuneCheckpoint, type SuiteName } from '../../train/finetune-suite.js';
import { pretrain } from '../../train/pretrain.js';
import { resolvePretrain } from '../../train/pretrain-run.js';
import { tokenizerFor } from '../sharedData.js';
import { modelFlopsUtilisation, tokensPerSecond } from '../../model/flops.js';
import type { PointResult, Runner, RunContext } from './types.js';

/** Greatest common divisor, for a checkpoint interval that lands on every intermediate step. */
const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

export const trainRunner: Runner = async (ctx) => {
  const { spec, dir } = ctx;
  const c = spec.config;
  const base = String(c.recipe) in RECIPES ? String(c.recipe) : 'bert'; // named recipes set every feature explicitly
  const features = featuresOf(c);
  const every = parseDuration(String(c.checkpointEvery)) as Duration;
  const options = await resolvePretrain({
    recipe: base,
    size: String(c.size),
    outDir: dir,
    duration: String(c.duration),
    backend: String(c.backend),
    seed: spec.seed,
    batchSize: Number(c.batchSize),
    seqLen: Number(c.seqLen),
    peakLr: Number(c.lr),
    warmup: String(c.warmup),
    maskRatio: Number(c.maskRatio),
    features,
    corpus: c.corpus === 'default' ? [] : [String(c.corpus)],
    ...tokenizerFor(c.vocabSize, String(c.corpus)),
    ...(every.unit === 'ba' && { checkpointEvery: every.value }),
    log: ctx.log,
  });
  options.recipe = spec.recipe;
  options.finalLrRatio = Number(c.finalLrFraction);
  options.adamw = { weightDecay: Number(c.weightDecay) };
  options.devices = spec.devices;

  // Intermediate points → steps, and a checkpoint interval that hits each of them.
  const duration = parseRunDuration(String(c.duration)) as Duration;
  const pointSteps = spec.intermediates.map((p) => {
    if (duration.unit === 's' || duration.unit === 'm' || duration.unit === 'h') {
      throw new UserError(`evalAt point ${p.at}: intermediate points of wall-clock runs (${c.duration}) are not supported; give the run a step, sample or token length`);
    }
    const total = durationSteps(duration, { batchSize: options.batchSize, tokensPerSample: options.seqLen, samplesPerEpoch: options.source.samplesPerEpoch });
    return Math.max(1, Math.round((fractionOf(parseDuration(p.at) as Duration, duration) ?? 0) * total));
  });
  if (pointSteps.length) options.checkpointEvery = pointSteps.reduce(gcd, options.checkpointEvery ?? pointSteps[0]!);
  options.fullEvalSamples = Number(c.evalSamples ?? 3072);
  if (options.fullEvalSamples === 0) options.evalBatches = 0;
  options.fullEvalSteps = pointSteps; // each point is scored on the same full held-out set as the run's end
  const pointsDir = join(dir, 'points');
  const keepPoint = (path: string, step: number): void => {
    if (!pointSteps.includes(step)) return;
    mkdirSync(pointsDir, { recursive: true });
    const target = join(pointsDir, checkpointFileName(step));
    if (!existsSync(target)) linkSync(path, target);
  };

  const final = await pretrain(options, {
    signal: ctx.signal,
    onCheckpoint: keepPoint,
    onProgress: (e) => ctx.progress({ phase: 'pretrain', backend: options.backend, step: e.step, totalSteps: e.totalSteps, loss: e.loss, tokensPerSecond: e.tokensPerSecond, etaSeconds: e.etaSeconds }),
    onResume: (e) => {
      for (const s of e.skipped) ctx.log(`skipped a damaged checkpoint: ${s}`);
      ctx.log(`resuming from step ${e.step} (${e.path})${e.finished ? ': pretraining already complete' : ''}`);
    },
  });
  const finalCheckpoint = latestCheckpoint(checkpointsDir(dir));
  if (!finalCheckpoint) throw new UserError(`${checkpointsDir(dir)}: pretraining finished but left no checkpoint`);
  const peak = final.mfu && final.wallSeconds > 0 ? final.flops / final.wallSeconds / final.mfu / (options.devices ?? 1) : null;

  const point = async (path: string, step: number, pretrainResult: PretrainResult): Promise<PointResult> => ({
    params: parameterCount(path),
    pretrain: pretrainResult,
    finetune: await finetuneOnce(ctx, spec, path, step, join(pointsDir, `finetune-${step}.json`)),
  });
  const intermediates = [];
  for (const [i, p] of spec.intermediates.entries()) {
    const step = pointSteps[i]!;
    const path = join(pointsDir, checkpointFileName(step));
    if (!existsSync(path)) throw new UserError(`${path}: the checkpoint for evalAt point ${p.at} (step ${step}) is missing; delete ${dir} to rerun the run`);
    intermediates.push({ point: p, ...(await point(path, step, pretrainAt(path, final, peak))) });
  }
  return { ...(await point(finalCheckpoint.path, final.steps, final)), intermediates };
};

/** The PretrainResult of an intermediate checkpoint, from the running totals stored in its header. */
function pretrainAt(path: string, final: PretrainResult, peakFlopsPerSecond: number | null): PretrainResult {
  const h = readCheckpointHeader(path);
  const p = h.progress;
  return {
    ...final,
    steps: h.step,
    samples: p.samples,
    tokens: p.tokens,
    wallSeconds: p.trainSeconds,
    flops: p.flops,
    tokensPerSecond: tokensPerSecond(p.tokens, p.trainSeconds),
    mfu: modelFlopsUtilisation(p.flops, p.trainSeconds, peakFlopsPerSecond, final.devices),
    finalLoss: p.lastLoss ?? NaN,
    evalLoss: p.evalLoss,
    evalAccuracy: p.evalAccuracy,
  };
}

function parameterCount(checkpoint: string): number {
  return readCheckpointHeader(checkpoint)
    .tensors.filter((t) => t.kind === 'weight')
    .reduce((n, t) => n + t.length, 0);
}

/** Fine-tunes a checkpoint unless this run already did (result saved beside the point's checkpoints). */
async function finetuneOnce(ctx: RunContext, spec: RunSpec, checkpoint: string, step: number, cache: string): Promise<FinetuneResult | null> {
  const f = spec.finetune;
  if (!f) return null;
  if (existsSync(cache)) return readJson<FinetuneResult>(cache);
  ctx.log(`${f.method === 'probe' ? 'probing' : 'fine-tuning'} step ${step} on ${f.suite}`);
  const result = await finetuneCheckpoint(checkpoint, {
    suite: f.suite as SuiteName,
    ...(f.method && { method: f.method }),
    ...(f.tasks && { tasks: f.tasks }),
    seeds: f.seeds,
    ...(f.glueDir && { glueDir: f.glueDir }),
    ...(f.epochs !== null && { epochs: f.epochs }),
    ...(f.maxTrainExamples != null && { maxTrainExamples: f.maxTrainExamples }),
    ...(f.lr != null && { lr: f.lr }),
    backend: String(spec.config.backend),
    log: (line) => {
      ctx.log(line.trim());
      ctx.progress({ phase: 'finetune', step, totalSteps: null, loss: null, tokensPerSecond: null, etaSeconds: null, detail: line.trim() });
    },
  });
  writeJsonAtomic(cache, result);
  return result;
}
