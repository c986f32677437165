/**
 * What the run a checkpoint came from recorded about it, for the model card. In order of preference:
 *   1. the run's summary.json (src/results/summary.ts), when it describes this checkpoint's step;
 *   2. `mbench pretrain --out`'s pretrain-result.json, likewise;
 *   3. the checkpoint header's running totals (tokens, training seconds, latest held-out evaluation), which
 *      describe exactly these weights but not the device.
 * Fine-tuning scores come from summary.json for its step, or from a sweep point's points/finetune-<step>.json.
 * A record that exists but cannot be read is reported through `warn` and skipped: it is not what is exported.
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { UserError } from '../errors.js';
import { readJson } from '../results/atomic.js';
import { damageLine, readSummary, type FinetuneResult, type PretrainResult } from '../results/summary.js';
import type { CheckpointHeader } from '../train/checkpoint.js';
import { finetuneScore } from '../train/finetune-results.js';
import { runRecordPaths } from './find-checkpoint.js';
import type { CardFacts } from './model-card.js';

export type RunFacts = Pick<CardFacts, 'title' | 'tokens' | 'wallSeconds' | 'device' | 'backend' | 'evalLoss' | 'evalAccuracy' | 'finetune' | 'score' | 'sources'>;

function tryRead<T>(path: string, warn: (line: string) => void, valid: (v: T) => boolean): T | null {
  if (!existsSync(path)) return null;
  try {
    const v = readJson<T>(path);
    if (valid(v)) return v;
    warn(`${path}: not the record mbench writes there; the model card does not use it`);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    warn(`${err.message}; the model card does not use it`);
  }
  return null;
}

const isPretrain = (p: unknown): p is PretrainResult => typeof p === 'object' && p !== null && typeof (p as PretrainResult).steps === 'number';
const isFinetune = (f: unknown): f is FinetuneResult => typeof f === 'object' && f !== null && typeof (f as FinetuneResult).tasks === 'object';

export function runFacts(header: CheckpointHeader, checkpointPath: string, runDir: string | null, warn: (line: string) => void): RunFacts {
  const p = header.progress;
  const fromHeader: RunFacts = {
    title: runDir ? basename(runDir) : basename(checkpointPath),
    tokens: p.tokens,
    wallSeconds: p.trainSeconds,
    device: null,
    backend: null,
    evalLoss: p.evalLoss,
    evalAccuracy: p.evalAccuracy,
    finetune: null,
    score: null,
    sources: [`the checkpoint header (${basename(checkpointPath)}, step ${header.step})`],
  };
  if (!runDir) return fromHeader;
  const paths = runRecordPaths(runDir);
  const pretrainFacts = (r: PretrainResult) => ({
    tokens: r.tokens, wallSeconds: r.wallSeconds, device: r.device, backend: r.backend, evalLoss: r.evalLoss, evalAccuracy: r.evalAccuracy,
  });

  const read = readSummary(runDir);
  if (read.state === 'damaged') warn(`${damageLine(read)}; the model card does not use it`);
  const summary = read.state === 'finished' ? read.summary : null;
  if (summary && summary.pretrain.steps === header.step) {
    return {
      ...fromHeader,
      title: summary.name || fromHeader.title,
      ...pretrainFacts(summary.pretrain),
      finetune: summary.finetune,
      score: summary.score,
      sources: [`the run's summary.json (${paths.summary})`],
    };
  }
  const notes: string[] = [];
  if (summary) notes.push(`its summary.json describes step ${summary.pretrain.steps}, not this checkpoint`);
  let facts: RunFacts = fromHeader;
  const result = tryRead<PretrainResult>(paths.pretrainResult, warn, isPretrain);
  if (result && result.steps === header.step) {
    facts = { ...facts, ...pretrainFacts(result), sources: [`the run's pretrain-result.json (${paths.pretrainResult})`] };
  }
  const point = tryRead<FinetuneResult>(paths.pointFinetune(header.step), warn, isFinetune);
  if (point) {
    facts = { ...facts, finetune: point, score: finetuneScore(point), sources: [...facts.sources, `fine-tuning from ${paths.pointFinetune(header.step)}`] };
  }
  return { ...facts, sources: [...facts.sources, ...notes] };
}
