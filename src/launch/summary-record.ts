/** RunSpec + what a runner measured → the summary.json records (the run's, then one per intermediate point). */
import type { IntermediatePoint, RunSpec } from '../config/run-spec.js';
import { SUMMARY_SCHEMA_VERSION, type RunSummary } from '../results/summary.js';
import { gitCommit, mbenchVersion } from '../version.js';
import type { PointResult } from './runners/types.js';

/** Cost of pretraining in USD: wall-clock hours × devices × price per device-hour. */
export function pretrainCostUsd(wallSeconds: number, devices: number, pricePerDeviceHour: number | null): number | null {
  return pricePerDeviceHour === null ? null : (wallSeconds / 3600) * devices * pricePerDeviceHour;
}

/** Tasks averaged equally (GLUE's aggregation); null without fine-tuning. */
export function averageScore(r: PointResult): number | null {
  const tasks = Object.values(r.finetune?.tasks ?? {});
  return tasks.length ? tasks.reduce((a, t) => a + t.score, 0) / tasks.length : null;
}

export function buildSummary(spec: RunSpec, result: PointResult, point: IntermediatePoint | null = null): RunSummary {
  return {
    schemaVersion: SUMMARY_SCHEMA_VERSION,
    id: point ? point.id : spec.id,
    sweep: spec.sweep,
    name: point ? point.name : spec.name,
    recipe: spec.recipe,
    // An intermediate point keeps the parent's config (its schedule) and says where it was taken.
    config: point ? { ...spec.config, intermediateAt: point.at } : spec.config,
    seed: spec.seed,
    intermediateOf: point ? spec.id : null,
    spec,
    params: result.params,
    pretrain: result.pretrain,
    finetune: result.finetune,
    score: averageScore(result),
    pricePerDeviceHour: spec.pricePerDeviceHour,
    costUsd: pretrainCostUsd(result.pretrain.wallSeconds, spec.devices, spec.pricePerDeviceHour),
    mbenchVersion,
    gitCommit: gitCommit(),
    finishedAt: new Date().toISOString(),
  };
}
