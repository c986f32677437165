/**
 * What a sweep can check before any run starts, so that a typo costs seconds, not a child process per run
 * failing one after another: corpus paths exist and hold corpus files, each named backend loads on this machine,
 * and a GLUE folder holds the tasks asked for. `mbench sweep` runs it for real runs and for `--dry-run`.
 */
import { checkGlueDir } from '../data/glue.js';
import { corpusFiles } from '../data/corpus.js';
import { BACKEND_NAMES, type BackendName } from '../engine/backend-names.js';
import { probeBackend, type BackendStatus } from '../engine/backends.js';
import type { SweepPlan } from '../config/expand.js';
import { UserError } from '../errors.js';
import { sharedDataOf } from './shared-data.js';
import { checkDevices, mpirunPath } from './ranks.js';

export interface PreflightOptions {
  /** Where runs will execute: backends are checked here only for local runs (a cluster node may differ). */
  executor: 'local' | 'slurm';
  warn: (line: string) => void;
  /** How a backend's availability is found (tests pass their own). */
  probe?: (name: BackendName) => Promise<BackendStatus>;
}

export async function preflight(plan: SweepPlan, opts: PreflightOptions): Promise<void> {
  const where = `${plan.file}`;
  const train = plan.runs.filter((r) => r.runner === 'train');
  // 1. corpus paths
  for (const d of sharedDataOf(train)) {
    if (!d.corpus.length) continue;
    try {
      corpusFiles(d.corpus);
    } catch (err) {
      throw new UserError(`${where}: ${(err as Error).message}`);
    }
  }
  // 2. backends named by the runs ('auto' always resolves: native when built, else wasm)
  const named = [...new Set(train.map((r) => String(r.config.backend)))].filter((b): b is BackendName => (BACKEND_NAMES as readonly string[]).includes(b));
  for (const name of named) {
    const status = await (opts.probe ?? probeBackend)(name);
    if (status.available) continue;
    const message = `${where}: backend '${name}' is not available on this machine: ${status.detail} (see mbench backends)`;
    if (opts.executor === 'local') throw new UserError(message);
    opts.warn(`mbench: warning: ${message}; the cluster's nodes may differ, so the sweep goes on`);
  }
  // 3. devices: a local run on more devices than this machine gives, or without Open MPI, is refused now
  if (opts.executor === 'local') {
    for (const r of train.filter((t) => t.devices > 1)) {
      try {
        mpirunPath();
      } catch (err) {
        throw new UserError(`${where}: devices ${r.devices}: ${(err as Error).message}`);
      }
      checkDevices(r.devices, String(r.config.backend), `${where}: devices ${r.devices}`);
    }
  }
  // 4. GLUE data
  const glue = plan.runs.find((r) => r.finetune?.suite === 'glue')?.finetune;
  if (glue?.glueDir) {
    try {
      checkGlueDir(glue.glueDir, glue.tasks ?? undefined);
    } catch (err) {
      throw new UserError(`${where}: finetune.glueDir: ${(err as Error).message}`);
    }
  }
}
