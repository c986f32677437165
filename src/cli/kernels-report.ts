/**
 * Where `mbench kernels --report …` puts each report: github appends to $GITHUB_STEP_SUMMARY when it is set
 * (GitHub Actions' job summary), else to its FILE, else prints it; junit and json replace their FILE atomically
 * (or print with '-'). The reports' text comes from bench/report/.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserError } from '../errors.js';
import { writeFileAtomic } from '../results/atomic.js';
import { REPORT_EXPORTERS, type CheckReport, type ReportRequest } from '../../bench/report/index.js';

/** Refuses, before anything is measured, a report that needs verdicts when there is no --compare. */
export function checkReportRequests(requests: readonly ReportRequest[], compare: string | undefined): void {
  for (const r of requests) {
    if (REPORT_EXPORTERS[r.format].needsComparison && compare === undefined) {
      throw new UserError(`--report ${r.format} reports the regression check's verdicts: give --compare BASELINE too`);
    }
  }
}

export function writeReports(requests: readonly ReportRequest[], report: CheckReport, log: (line: string) => void): void {
  for (const r of requests) {
    const text = REPORT_EXPORTERS[r.format].serialize(report);
    const summary = process.env.GITHUB_STEP_SUMMARY;
    if (r.format === 'github' && r.file === null && summary) {
      appendFileSync(summary, text + '\n');
      log(`kernels: github report appended to $GITHUB_STEP_SUMMARY (${summary})`);
    } else if (r.file === null || r.file === '-') {
      process.stdout.write(text);
    } else if (r.format === 'github') {
      mkdirSync(dirname(r.file), { recursive: true });
      appendFileSync(r.file, text + '\n');
      log(`kernels: github report appended to ${r.file}`);
    } else {
      writeFileAtomic(r.file, text);
      log(`kernels: ${r.format} report written to ${r.file}`);
    }
  }
}
