/**
 * What `mbench export CHECKPOINT` accepts, turned into one verified checkpoint:
 *   - a checkpoint file (`…/checkpoints/step-00000200.ckpt`, or a sweep run's `…/points/step-*.ckpt`): read and
 *     verified (size, header, sha-256); a bad one is an error, never silently replaced by another;
 *   - a run folder (`mbench pretrain --out DIR`, or `results/<sweep>/<run>/`), or its `checkpoints/` folder: the
 *     newest checkpoint that verifies; newer ones that do not (a torn write, a corrupt copy) are skipped and
 *     reported.
 * The run folder, when there is one, is where the model card looks for summary.json.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { BadFileError, UserError } from '../errors.js';
import { checkpointsDir, summaryPath } from '../results/store.js';
import { listCheckpoints, readCheckpoint, type CheckpointHeader, type NamedArray } from '../train/checkpoint.js';

export interface FoundCheckpoint {
  path: string;
  header: CheckpointHeader;
  arrays: NamedArray[];
  /** The run folder the checkpoint belongs to, or null when it lies elsewhere. */
  runDir: string | null;
  /** Newer checkpoints of the run folder that failed verification, with why. */
  skipped: string[];
}

/** The run folder of a checkpoint file: the parent of its `checkpoints/` (or a sweep run's `points/`) folder. */
function runDirOf(file: string): string | null {
  const parent = dirname(file);
  return ['checkpoints', 'points'].includes(basename(parent)) ? dirname(parent) : null;
}

export function findCheckpoint(arg: string): FoundCheckpoint {
  if (!existsSync(arg)) throw new UserError(`${arg}: no such file or folder; give a checkpoint (…/checkpoints/step-*.ckpt) or a run folder`);
  if (!statSync(arg).isDirectory()) {
    const { header, arrays } = readCheckpoint(arg);
    return { path: arg, header, arrays, runDir: runDirOf(arg), skipped: [] };
  }
  const nested = checkpointsDir(arg);
  const [dir, runDir] = existsSync(nested) ? [nested, arg] : [arg, basename(arg) === 'checkpoints' ? dirname(arg) : null];
  const candidates = listCheckpoints(dir).reverse();
  if (candidates.length === 0) throw new UserError(`${arg}: no checkpoints (step-*.ckpt) in ${dir}; give a checkpoint file or a run folder that has some`);
  const skipped: string[] = [];
  for (const c of candidates) {
    try {
      const { header, arrays } = readCheckpoint(c.path);
      return { path: c.path, header, arrays, runDir, skipped };
    } catch (err) {
      if (!(err instanceof BadFileError)) throw err;
      skipped.push(err.message);
    }
  }
  throw new UserError(`${arg}: none of its ${candidates.length} checkpoint(s) verifies: ${skipped.join('; ')}`);
}

/** Where a run folder's records are (exported for tests). */
export const runRecordPaths = (runDir: string) => ({
  summary: summaryPath(runDir),
  pretrainResult: join(runDir, 'pretrain-result.json'),
  pointFinetune: (step: number) => join(runDir, 'points', `finetune-${step}.json`),
});
