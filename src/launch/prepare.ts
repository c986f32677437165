/**
 * Before any executor starts: a folder per run holding its spec.json, and <sweep>/sweep.json listing the runs
 * (so `mbench status <name>` knows the plan without the YAML file). Writing is idempotent: a spec with an id
 * never changes, so two sweeps preparing the same folder at once write the same bytes. A finished run keeps the
 * spec.json it has, unless it is missing or unreadable; a damaged summary.json is reported here, and set aside
 * by the run itself under its lock (./run-lifecycle.ts) before it is redone.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SweepPlan } from '../config/expand.js';
import { writeJsonAtomic, readJson } from '../results/atomic.js';
import { runDir, sweepDir, sweepRecordFile } from '../results/store.js';
import { damagedSummaryPath, damageLine, readSummary } from '../results/summary.js';
import type { PlannedRun } from './executor.js';
import { specPath, specReadable, writeSpec } from './run-files.js';
import { BadFileError } from '../errors.js';

export interface SweepRecord {
  schemaVersion: 1;
  name: string;
  file: string;
  baseline: string;
  runs: Array<{ id: string; name: string; intermediates: string[] }>;
  writtenAt: string;
}

export const sweepRecordPath = (root: string, sweep: string): string => sweepRecordFile(sweepDir(root, sweep));

/** The run folders of a plan, without writing anything (for --dry-run and status). */
export function plannedRuns(plan: SweepPlan, root: string): PlannedRun[] {
  return plan.runs.map((spec) => ({ spec, dir: runDir(root, spec.sweep, spec.id) }));
}

/** Writes the plan into the run folders; `note` gets one line per repaired or damaged file. */
export function prepareRuns(plan: SweepPlan, root: string, note: (line: string) => void = () => {}): PlannedRun[] {
  const runs = plannedRuns(plan, root);
  for (const r of runs) {
    const summary = readSummary(r.dir);
    if (summary.state === 'damaged') note(`${damageLine(summary)}; moving it to ${damagedSummaryPath(r.dir)} and redoing the run`);
    const broken = existsSync(r.dir) && !specReadable(r.dir);
    if (summary.state !== 'finished' || broken) writeSpec(r.dir, r.spec);
    if (broken) note(`${specPath(r.dir)} was missing or unreadable: rewritten from the plan`);
  }
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
  const record = readJson<SweepRecord>(path);
  if (!Array.isArray(record?.runs)) throw new BadFileError(path, 'not a sweep record (no runs list); rerun `mbench sweep FILE` to rewrite it');
  return record;
}
