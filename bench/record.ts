/**
 * Reading and writing kernel records (results/kernels/<backend>.json, baseline-<backend>.json). A baseline
 * from another backend or schema version, or a malformed file, is a BadFileError naming the file and saying
 * what to do.
 */
import { z } from 'zod';
import { BadFileError } from '../src/errors.js';
import { readJson, writeJsonAtomic } from '../src/results/atomic.js';
import { kernelRecordSchemaVersion, type KernelRecord } from './types.js';

const positive = z.number().positive();
const shape = z.record(z.string(), z.number());
const completedCase = z.object({
  state: z.literal('completed'),
  name: z.string(),
  kernel: z.string(),
  shape,
  medianMs: positive,
  gflops: z.number().nullable(),
  gbps: z.number().nullable(),
  ratioToCalibration: positive,
  samples: z.object({ roundRatios: z.array(positive).min(1), latencyMs: z.array(z.number().nonnegative()) }),
});
const erroredCase = z.object({ state: z.literal('errored'), name: z.string(), kernel: z.string(), shape, error: z.string() });

const recordSchema = z.object({
  schemaVersion: z.literal(kernelRecordSchemaVersion),
  backend: z.string(),
  device: z.string(),
  peakFlopsPerSecond: z.number().nullable().optional(),
  mbenchVersion: z.string(),
  gitCommit: z.string().nullable(),
  createdAt: z.string(),
  settings: z.object({ timeMs: positive, rounds: z.number().int().positive(), clock: z.enum(['wall', 'cpu']) }),
  calibration: z.object({ name: z.string(), shape, medianMs: positive, gflops: z.number() }),
  cases: z.array(z.discriminatedUnion('state', [completedCase, erroredCase])),
});

/**
 * Loads a baseline for comparison with a run on `backend`. Checks the schema version first, so an old file
 * gets a message about versions rather than a list of missing fields.
 */
export function loadBaseline(path: string, backend: string): KernelRecord {
  const raw = readJson<unknown>(path);
  const version = (raw as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (version !== kernelRecordSchemaVersion) {
    throw new BadFileError(
      path,
      `schemaVersion ${JSON.stringify(version)} is not ${kernelRecordSchemaVersion}, the version this mbench writes; ` +
        `make a new baseline with 'mbench kernels --backend ${backend} --save-baseline'`,
    );
  }
  const parsed = recordSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BadFileError(path, `not a kernel record: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  const record = parsed.data as KernelRecord;
  if (record.backend !== backend) {
    throw new BadFileError(
      path,
      `baseline was measured on backend '${record.backend}', this run uses '${backend}'; ` +
        `compare against results/kernels/baseline-${backend}.json or pass --backend ${record.backend}`,
    );
  }
  return record;
}

export function saveRecord(path: string, record: KernelRecord): void {
  writeJsonAtomic(path, record);
}

/** Where `--save-baseline` writes and `--compare` looks by convention. */
export function baselinePath(backend: string): string {
  return `results/kernels/baseline-${backend}.json`;
}

/** A baseline timed on another clock measures something else (CPU vs elapsed time): refuse to compare. */
export function checkSameClock(path: string, baseline: KernelRecord, clock: KernelRecord['settings']['clock']): void {
  if (baseline.settings.clock !== clock) {
    throw new BadFileError(path, `baseline was timed on the '${baseline.settings.clock}' clock, this run on '${clock}'; save a new baseline with --save-baseline`);
  }
}
