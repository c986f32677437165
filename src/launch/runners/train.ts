/**
 * The real runner: pretrain with src/train (which resumes from the run's own checkpoints), then fine-tune the
 * final checkpoint — and each intermediate point's checkpoint (sweep `evalAt`) — on the sweep's suite.
 * Intermediate checkpoints are hard-linked into <run>/points/ as they are written, so checkpoint pruning never
 * removes them; each point's fine-tuning result is saved (<run>/points/finetune-<step>.json) so a run killed
 * during fine-tuning does not redo the points it finished.
 */
import { existsSync, linkSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pretrainRequest } from '../../config/pretrain-request.js';
import { checkedConfig, type RunSpec } from '../../config/run-spec.js';
import { UserError } from '../../errors.js';
import { readJson, writeJsonAtomic } from '../../results/atomic.js';
import { checkpointsDir } from '../../results/store.js';
import type { FinetuneResult, PretrainResult } from '../../results/summary.js';
import { checkpointFileName, latestCheckpoint, readCheckpointHeader } from '../../train/checkpoint.js';
import { finetuneCheckpoint, type SuiteName } from '../../train/finetune-suite.js';
import { pretrain } from '../../train/pretrain.js';
import { resolvePretrain } from '../../train/pretrain-run.js';
import { modelFlopsUtilisation, tokensPerSecond } from '../../model/flops.js';
import { specPath } from '../run-files.js';
import type { PointResult, Runner, RunContext } from './types.js';

export const trainRunner: Runner = async (ctx) => {
  const { spec, dir } = ctx;
  const config = checkedConfig(spec, specPath(dir));
  const options = await resolvePretrain(
    pretrainRequest(config, {
      outDir: dir, seed: spec.seed, devices: spec.devices, ...(spec.microbatch != null && { microbatch: spec.microbatch }), evalAt: spec.intermediates.map((p) => p.at), log: ctx.log,
    }),
  );
  const pointSteps = options.fullEvalSteps ?? [];
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
    backend: spec.config.backend,
    log: (line) => {
      ctx.log(line.trim());
      ctx.progress({ phase: 'finetune', step, totalSteps: null, loss: null, tokensPerSecond: null, etaSeconds: null, detail: line.trim() });
    },
  });
  writeJsonAtomic(cache, result);
  return result;
}
