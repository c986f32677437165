/**
 * The real runner: pretrain with src/train (which resumes from the run's own checkpoints), then fine-tune the
 * final checkpoint — and each intermediate point's checkpoint (sweep `evalAt`) — on the sweep's suite.
 * Intermediate checkpoints are hard-linked into <run>/points/ as they are written, so checkpoint pruning never
 * removes them; each point's fine-tuning result is saved (<run>/points/finetune-<step>.json) so a run killed
 * during fine-tuning does not redo the points it finished.
 */
import { existsSync, linkSync, mkdirSync, rmSync } from 'node:fs';
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
import { evalAtSteps, resolvePretrain, type PretrainRequest } from '../../train/pretrain-run.js';
import { openPretrainSource } from '../../data/default-source.js';
import { launchRanks, openRank } from '../ranks.js';
import { modelFlopsUtilisation, tokensPerSecond } from '../../model/flops.js';
import { readSpec, specPath } from '../run-files.js';
import { RunFailure, RunInterrupted, type PointResult, type Runner, type RunContext } from './types.js';

/** The pretraining request of a sweep's run, as every process of it (the run, each rank) builds it. */
function runRequest(spec: RunSpec, dir: string, log: (line: string) => void): PretrainRequest {
  return pretrainRequest(checkedConfig(spec, specPath(dir)), {
    outDir: dir, seed: spec.seed, devices: spec.devices, ...(spec.microbatch != null && { microbatch: spec.microbatch }), evalAt: spec.intermediates.map((p) => p.at), log,
  });
}

/** Hard-links each intermediate point's checkpoint into <run>/points/ as it is written (pruning never removes it). */
function pointKeeper(dir: string, pointSteps: readonly number[]): (path: string, step: number) => void {
  return (path, step) => {
    if (!pointSteps.includes(step)) return;
    mkdirSync(join(dir, 'points'), { recursive: true });
    const target = join(dir, 'points', checkpointFileName(step));
    if (!existsSync(target)) linkSync(path, target);
  };
}

export const trainRunner: Runner = async (ctx) => {
  const { spec, dir } = ctx;
  const request = runRequest(spec, dir, ctx.log);
  const { final, pointSteps } = spec.devices > 1 ? await pretrainOnRanks(ctx, request) : await pretrainHere(ctx, request);
  const pointsDir = join(dir, 'points');
  const finalCheckpoint = latestCheckpoint(checkpointsDir(dir));
  if (!finalCheckpoint) throw new UserError(`${checkpointsDir(dir)}: pretraining finished but left no checkpoint`);
  const peak = final.mfu && final.wallSeconds > 0 ? final.flops / final.wallSeconds / final.mfu / final.devices : null;

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

/** Pretraining in this process. */
async function pretrainHere(ctx: RunContext, request: PretrainRequest): Promise<{ final: PretrainResult; pointSteps: number[] }> {
  const options = await resolvePretrain(request);
  const pointSteps = options.fullEvalSteps ? [...options.fullEvalSteps] : [];
  const final = await pretrain(options, {
    signal: ctx.signal,
    onCheckpoint: pointKeeper(ctx.dir, pointSteps),
    onProgress: (e) => ctx.progress({ phase: 'pretrain', backend: options.backend, step: e.step, totalSteps: e.totalSteps, loss: e.loss, tokensPerSecond: e.tokensPerSecond, etaSeconds: e.etaSeconds }),
    onResume: (e) => {
      for (const s of e.skipped) ctx.log(`skipped a damaged checkpoint: ${s}`);
      ctx.log(`resuming from step ${e.step} (${e.path})${e.finished ? ': pretraining already complete' : ''}`);
    },
  });
  return { final, pointSteps };
}

/** Where rank 0 of a multi-device run leaves its PretrainResult for the run to continue from. */
const rankResultPath = (dir: string): string => join(dir, 'pretrain-result.json');

/**
 * Pretraining on `spec.devices` ranks (`mbench run DIR --rank` each, under mpirun or srun); this process
 * prepares the data once, waits, then goes on with the result rank 0 wrote.
 */
async function pretrainOnRanks(ctx: RunContext, request: PretrainRequest): Promise<{ final: PretrainResult; pointSteps: number[] }> {
  const source = await openPretrainSource(request);
  const pointSteps = evalAtSteps(request, source.samplesPerEpoch);
  rmSync(rankResultPath(ctx.dir), { force: true });
  const outcome = await launchRanks({ devices: request.devices, args: ['run', ctx.dir, '--rank'], outDir: ctx.dir, backend: request.backend, onRankZeroLine: ctx.log, log: ctx.log, signal: ctx.signal });
  if (outcome.exitCode === 130 || ctx.signal.aborted) throw new RunInterrupted();
  if (outcome.failure) throw new RunFailure(outcome.failure, outcome.exitCode);
  return { final: readJson<PretrainResult>(rankResultPath(ctx.dir)), pointSteps };
}

/**
 * One rank of a sweep's multi-device run (`mbench run DIR --rank`): pretraining only, no lock (the run that
 * started the ranks holds it); rank 0 keeps the points' checkpoints and writes the result. Returns the exit code.
 */
export async function pretrainRank(dir: string, signal: AbortController, log: (line: string) => void): Promise<number> {
  const spec = readSpec(dir);
  const request = runRequest(spec, dir, log);
  const rank = openRank(request.backend, request.devices, dir);
  try {
    const options = await resolvePretrain(request, rank.collective);
    const final = await pretrain(options, {
      signal: signal.signal,
      onCheckpoint: rank.rank === 0 ? pointKeeper(dir, options.fullEvalSteps ?? []) : undefined,
      onProgress: (e) => {
        const stop = rank.stopRequested();
        if (stop && !signal.signal.aborted) signal.abort(stop);
        if (rank.rank === 0 && (e.step === 1 || e.step === e.totalSteps || e.step % 50 === 0)) log(`step ${e.step}${e.totalSteps ? `/${e.totalSteps}` : ''} loss ${e.loss.toFixed(4)}`);
      },
      onResume: (e) => log(`resuming from step ${e.step} (${e.path})`),
    });
    if (rank.rank === 0) writeJsonAtomic(rankResultPath(dir), final);
    rank.end(0);
    return 0;
  } catch (err) {
    const code = err instanceof UserError ? err.exitCode : 1;
    process.stderr.write(`mbench: ${err instanceof UserError ? 'error' : 'internal error'}: ${err instanceof UserError ? err.message : ((err as Error)?.stack ?? String(err))}\n`);
    rank.end(code);
    return code;
  }
}

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
