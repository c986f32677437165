/**
 * Resuming a run: find the newest checkpoint in a run folder, check it belongs to the same run (model config,
 * tokenizer, recipe, training settings), and cut metrics.jsonl back to the checkpoint's step so the resumed run
 * appends the same lines an uninterrupted run would have written.
 */
import { existsSync, readFileSync } from 'node:fs';
import { BadFileError } from '../errors.js';
import type { ModelConfig } from '../model/types.js';
import { readJsonLines, writeFileAtomic } from '../results/atomic.js';
import { latestCheckpoint, readCheckpoint, type CheckpointHeader, type NamedArray } from './checkpoint.js';

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

/** The newest checkpoint in `dir`, verified and checked against `want`; null when there is none. */
export function findResumePoint(dir: string, want: RunIdentity): { path: string; header: CheckpointHeader; arrays: NamedArray[] } | null {
  const latest = latestCheckpoint(dir);
  if (!latest) return null;
  const { header, arrays } = readCheckpoint(latest.path);
  const diffs = identityDifferences(header, want);
  if (diffs.length > 0) {
    throw new BadFileError(
      latest.path,
      `this checkpoint belongs to a different run, refusing to resume it (${diffs.join('; ')}); ` +
        'rerun with the original settings or choose another --out',
    );
  }
  return { path: latest.path, header, arrays };
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
