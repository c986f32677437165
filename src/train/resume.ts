/**
 * Resuming a run: find the newest checkpoint in a run folder, check it belongs to the same run (model config,
 * tokenizer, recipe, training settings), and cut metrics.jsonl back to the checkpoint's step so the resumed run
 * appends the same lines an uninterrupted run would have written.
 */
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { basename } from 'node:path';
import { BadFileError } from '../errors.js';
import type { ModelConfig } from '../model/types.js';
import { readJsonLines, writeFileAtomic } from '../results/atomic.js';
import { listCheckpoints, readCheckpoint, type CheckpointHeader, type NamedArray } from './checkpoint.js';

export interface RunIdentity {
  recipe: string;
  model: ModelConfig;
  tokenizerId: string;
  training: CheckpointHeader['training'];
}

/** Differences between what a checkpoint was written for and the run asking to resume it, as `key: a ≠ b`. */
export function identityDifferences(header: Pick<CheckpointHeader, 'recipe' | 'model' | 'tokenizerId' | 'training'>, want: RunIdentity): string[] {
  const diffs: string[] = [];
  const cmp = (key: string, had: unknown, now: unknown): void => {
    if (JSON.stringify(had) !== JSON.stringify(now)) diffs.push(`${key}: checkpoint ${JSON.stringify(had)} ≠ now ${JSON.stringify(now)}`);
  };
  cmp('recipe', header.recipe, want.recipe);
  cmp('tokenizer', header.tokenizerId, want.tokenizerId);
  const modelKeys = new Set([...Object.keys(header.model ?? {}), ...Object.keys(want.model)]);
  for (const k of [...modelKeys].sort()) cmp(`model.${k}`, (header.model as unknown as Record<string, unknown>)?.[k], (want.model as unknown as Record<string, unknown>)[k]);
  const trainKeys = new Set([...Object.keys(header.training ?? {}), ...Object.keys(want.training)]);
  for (const k of [...trainKeys].sort()) cmp(k, header.training?.[k], want.training[k]);
  return diffs;
}

export interface ResumePoint {
  path: string;
  header: CheckpointHeader;
  arrays: NamedArray[];
  /** Newer checkpoints that failed verification, each moved aside to `<name>.bad`, with why. */
  skipped: string[];
}

/**
 * The newest checkpoint in `dir` that verifies, checked against `want`; null when none does. A damaged newer one
 * (a torn copy, a flipped bit, an edited header) is moved aside to `<name>.bad` — so the resumed run can write
 * that step again — and reported in `skipped`; the run falls back to the one before it. A checkpoint of a
 * different run is never skipped: that is an error.
 */
export function findResumePoint(dir: string, want: RunIdentity): ResumePoint | null {
  const skipped: string[] = [];
  for (const candidate of listCheckpoints(dir).reverse()) {
    let read: ReturnType<typeof readCheckpoint>;
    try {
      read = readCheckpoint(candidate.path);
    } catch (err) {
      if (!(err instanceof BadFileError)) throw err;
      const aside = `${candidate.path}.bad`;
      renameSync(candidate.path, aside);
      skipped.push(`${err.message} (moved to ${basename(aside)})`);
      continue;
    }
    const diffs = identityDifferences(read.header, want);
    if (diffs.length > 0) {
      throw new BadFileError(
        candidate.path,
        `this checkpoint belongs to a different run, refusing to resume it (${diffs.join('; ')}); ` +
          'rerun with the original settings or choose another --out',
      );
    }
    return { path: candidate.path, ...read, skipped };
  }
  if (skipped.length) throw new BadFileError(dir, `no checkpoint that verifies: ${skipped.join('; ')}; delete the folder to start the run again`);
  return null;
}

/** Drops metric lines logged after `step` (a run killed between its last checkpoint and its death). */
export function trimMetrics(file: string, step: number): void {
  if (!existsSync(file)) return;
  const records = readJsonLines<{ step?: number }>(file);
  const kept = records.filter((r) => typeof r.step === 'number' && r.step <= step);
  const torn = !readFileSync(file, 'utf8').endsWith('\n') && records.length > 0;
  if (kept.length === records.length && !torn) return;
  writeFileAtomic(file, kept.map((r) => JSON.stringify(r) + '\n').join(''));
}
