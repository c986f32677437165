/**
 * One suite run as a record: pick the cases, time them against the calibration on the active backend, and
 * put the numbers in the versioned KernelRecord that tables, --json, baselines and --compare share.
 */
import { gitCommit, mbenchVersion } from '../src/version.js';
import type { ActiveBackend } from './backend.js';
import { calibrationCase } from './cases/calibration.js';
import { runSuite } from './harness.js';
import { kernelRecordSchemaVersion, type KernelCase, type KernelRecord } from './types.js';

export interface SuiteSettings {
  timeMs: number;
  rounds: number;
}

export async function measureKernels(
  cases: readonly KernelCase[],
  backend: ActiveBackend,
  settings: SuiteSettings,
  onProgress?: (message: string) => void,
): Promise<KernelRecord> {
  const result = await runSuite(cases, {
    ...settings,
    clock: backend.clock,
    calibration: calibrationCase,
    ...(backend.settle ? { settle: backend.settle } : {}),
    ...(onProgress ? { onProgress } : {}),
  });
  return {
    schemaVersion: kernelRecordSchemaVersion,
    backend: backend.name,
    device: backend.device,
    peakFlopsPerSecond: backend.peakFlopsPerSecond,
    mbenchVersion,
    gitCommit: gitCommit(),
    createdAt: new Date().toISOString(),
    settings: { ...settings, clock: backend.clock },
    calibration: result.calibration,
    cases: result.cases,
  };
}

/**
 * The same case doing its work `times` times per call: a planted slowdown, to check that the regression
 * check catches one (`mbench kernels --plant-slowdown`, and the end-to-end test).
 */
export function repeatWork(kernelCase: KernelCase, times: number): KernelCase {
  return {
    ...kernelCase,
    setup() {
      const body = kernelCase.setup();
      return {
        run: () => Array.from({ length: times }, () => body.run()),
        dispose: () => body.dispose(),
      };
    },
  };
}
