/**
 * Before any executor starts: a folder per run holding its spec.json, and <sweep>/sweep.json listing the runs
 * (so `mbench status <name>` knows the plan without the YAML file). Writing is idempotent: a spec with an id
 * never changes, so two sweeps preparing the same folder at once write the same bytes.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SweepPlan } from '../config/expand.js';
import { writeJsonAtomic, readJson } from '../results/atomic.js';
import { runDir, summaryPath, sweepDir } from '../results/store.js';
import { join } from 'node:path';
import type { PlannedRun } from './executor.js';
import { writeSpec } from './runFiles.js';
import { BadFileError } from '../errors.js';

export interface SweepRecord {
  schemaVersion: 1;
  name: string;
  file: string;
  baseline: string;
  runs: Array<{ id: string; name: string; intermediates: string[] }>;
  writtenAt: string;
}

export const sweepRecordPath = (root: string, sweep: string): string => join(sweepDir(root, sweep), 'sweep.json');

/** The run folders of a plan, without writing anything (for --dry-run and status). */
export function plannedRuns(plan: SweepPlan, root: string): PlannedRun[] {
  return plan.runs.map((spec) => ({ spec, dir: runDir(root, spec.sweep, spec.id) }));
}

export function prepareRuns(plan: SweepPlan, root: string): PlannedRun[] {
  const runs = plannedRuns(plan, root);
  for (const r of runs) if (!existsSync(summaryPath(r.dir))) writeSpec(r.dir, r.spec);
  writeJsonAtomic(sweepRecordPath(root, plan.sweep.name), {
    schemaVersion: 1,
    name: plan.sweep.name,
    file: resolve(plan.file),
    baseline: plan.sweep.baseline,
    runs: plan.runs.map((r) => ({ id: r.id, name: r.name, intermediates: r.intermediates.map((p) => p.id) })),
    writtenAt: new Date().toISOString(),
  } satisfies SweepRecord);
  return runs;
}

export function readSweepRecord(root: string, sweep: string): SweepRecord {
  const path = sweepRecordPath(root, sweep);
  if (!existsSync(path)) throw new BadFileError(path, `no sweep '${sweep}' here; run \`mbench sweep FILE\` first or pass --results`);
  return readJson<SweepRecord>(path);
}
