/**
 * The report formats by name, and `--report`'s grammar: each format name, optionally followed by its FILE
 * (`--report github --report junit kernels.xml`, or all in one: `--report junit kernels.xml json bench.json`).
 */
import { didYouMean, UserError } from '../../src/errors.js';
import { benchmarkJsonExporter } from './benchmark-json.js';
import { githubExporter } from './github.js';
import { junitExporter } from './junit.js';
import type { ReportExporter } from './report.js';

export type { CheckReport, ReportExporter } from './report.js';

export const REPORT_EXPORTERS = {
  github: githubExporter,
  junit: junitExporter,
  json: benchmarkJsonExporter,
} as const satisfies Record<string, ReportExporter>;

export type ReportFormat = keyof typeof REPORT_EXPORTERS;
export const REPORT_FORMATS = Object.keys(REPORT_EXPORTERS) as ReportFormat[];

/** Formats that must be given a FILE (their text would be lost among the tables on stdout otherwise). */
const NEEDS_FILE: ReadonlySet<ReportFormat> = new Set(['junit', 'json']);

export interface ReportRequest {
  format: ReportFormat;
  /** Where to write; '-' is stdout; null (github only) means $GITHUB_STEP_SUMMARY, else stdout. */
  file: string | null;
}

const isFormat = (t: string): t is ReportFormat => (REPORT_FORMATS as string[]).includes(t);

/** Parses --report's values; errors name the flag and list the formats. */
export function parseReportRequests(values: readonly string[]): ReportRequest[] {
  const out: ReportRequest[] = [];
  for (let i = 0; i < values.length; i++) {
    const format = values[i]!;
    if (!isFormat(format)) {
      throw new UserError(`--report: unknown format '${format}'${didYouMean(format, REPORT_FORMATS)}; known: ${REPORT_FORMATS.join(', ')} (a FILE follows its format)`);
    }
    const next = values[i + 1];
    const file = next !== undefined && !isFormat(next) ? next : null;
    if (file !== null) i++;
    if (file === null && NEEDS_FILE.has(format)) throw new UserError(`--report ${format} needs a FILE to write (or - for stdout): --report ${format} kernels.${format === 'junit' ? 'xml' : 'json'}`);
    out.push({ format, file });
  }
  return out;
}
