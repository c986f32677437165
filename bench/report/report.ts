/**
 * CI-native reports of a kernel run and its regression check: what every report format is given, and the one
 * interface each format implements (after hyperfine's exporters and src/pareto/export/): a pure function from
 * the check's result to the text of one file. Where the text goes (a file, $GITHUB_STEP_SUMMARY, stdout) is
 * the CLI's business.
 */
import type { Comparison, CaseComparison } from '../compare.js';
import type { CaseResult, KernelRecord } from '../types.js';

export interface CheckReport {
  /** This run. */
  record: KernelRecord;
  /** The regression check against a baseline; null when the run was not compared. */
  comparison: Comparison | null;
  /** The baseline compared with (file as given, and the device it was recorded on). */
  baseline: { path: string; device: string } | null;
  /**
   * Whether a regression fails the check (exit 1). False only with --other-device warn against a baseline
   * from another device: verdicts are reported as they are, but the job passes.
   */
  enforced: boolean;
}

export interface ReportExporter {
  format: string;
  /** What the format shows, for --help. */
  describe: string;
  /** True when the format shows verdicts, so it needs --compare. */
  needsComparison: boolean;
  serialize(report: CheckReport): string;
}

/** How a case reads in a report: its verdict, or why it has none. */
export type CaseOutcome = 'slower' | 'same' | 'faster' | 'errored' | 'new';

export function outcomeOf(c: CaseComparison): CaseOutcome {
  return c.state === 'compared' ? c.verdict : c.state;
}

/** Counts of each outcome, in the order reports list them. */
export function outcomeCounts(comparison: Comparison): Record<CaseOutcome, number> {
  const counts: Record<CaseOutcome, number> = { slower: 0, errored: 0, same: 0, faster: 0, new: 0 };
  for (const c of comparison.cases) counts[outcomeOf(c)]++;
  return counts;
}

/** The run's result of case `name` (for times and throughput), if it has one. */
export function resultOf(record: KernelRecord, name: string): CaseResult | undefined {
  return record.cases.find((c) => c.name === name);
}

/** Why the check passes although cases are slower, or '' when it is enforced. */
export function leniencyNote(r: CheckReport): string {
  if (r.enforced || !r.comparison?.regressed || !r.baseline) return '';
  return `not failing: the baseline was recorded on ${r.baseline.device}, this run on ${r.record.device} (--other-device warn)`;
}
