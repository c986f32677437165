/**
 * `--report junit FILE`: the check as JUnit XML (the de-facto schema CI systems read: GitLab's test reports,
 * Jenkins, GitHub test-reporter actions). One <testsuite> per run, one <testcase> per kernel case:
 *   slower  → <failure type="regression"> with the change and its interval
 *   errored → <error type="errored"> with the error (it completed in the baseline)
 *   new     → <skipped> (nothing to compare with)
 *   same, faster → a passing testcase
 * `time` is the seconds the case's timed calls took in this run. Everything is escaped for XML 1.0: markup
 * characters as entities, characters XML cannot carry (C0 controls other than tab/newline/return, lone
 * surrogates) dropped.
 */
import { percent } from '../table.js';
import type { CaseComparison } from '../compare.js';
import { leniencyNote, outcomeCounts, resultOf, type CheckReport, type ReportExporter } from './report.js';

/** Drops what XML 1.0 cannot contain at all. */
function xmlChars(text: string): string {
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '');
}

/** Text content: &, < and > as entities. */
export function xmlText(text: string): string {
  return xmlChars(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A double-quoted attribute value: also quotes, and line breaks and tabs as character references (kept). */
export function xmlAttr(text: string): string {
  return xmlText(text).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

const attrs = (a: Record<string, string | number>): string =>
  Object.entries(a)
    .map(([k, v]) => ` ${k}="${xmlAttr(String(v))}"`)
    .join('');

function testcase(r: CheckReport, c: CaseComparison, classname: string, threshold: number, level: number): string {
  const result = resultOf(r.record, c.name);
  const seconds = result?.state === 'completed' ? result.samples.latencyMs.reduce((s, ms) => s + ms, 0) / 1000 : 0;
  const open = `    <testcase${attrs({ classname, name: c.name, time: seconds.toFixed(3) })}`;
  if (c.state === 'new') return `${open}>\n      <skipped${attrs({ message: 'new: not in the baseline, nothing to compare with' })}/>\n    </testcase>`;
  if (c.state === 'errored') return `${open}>\n      <error${attrs({ type: 'errored', message: `errored (it completed in the baseline): ${c.error}` })}>${xmlText(c.error)}</error>\n    </testcase>`;
  const detail =
    `ratio to the calibration matmul: baseline ${c.baselineRatio}, now ${c.currentRatio}; ` +
    `change ${percent(c.change)}, ${level}% interval ${percent(c.changeLow)} … ${percent(c.changeHigh)}; threshold +${(threshold * 100).toFixed(0)}%`;
  if (c.verdict !== 'slower') return `${open}>\n      <system-out>${xmlText(`${c.verdict}: ${detail}`)}</system-out>\n    </testcase>`;
  const note = leniencyNote(r);
  const message = `${percent(c.change)} slower than the baseline (${level}% interval ${percent(c.changeLow)} … ${percent(c.changeHigh)}), beyond the +${(threshold * 100).toFixed(0)}% threshold${note ? `; ${note}` : ''}`;
  return `${open}>\n      <failure${attrs({ type: 'regression', message })}>${xmlText(detail)}</failure>\n    </testcase>`;
}

export function junitXml(r: CheckReport): string {
  const cmp = r.comparison;
  if (!cmp || !r.baseline) throw new Error('the junit report needs a comparison');
  const counts = outcomeCounts(cmp);
  const level = Math.round(cmp.confidence * 100);
  const classname = `mbench.kernels.${r.record.backend}`;
  const totals = { tests: cmp.cases.length, failures: counts.slower, errors: counts.errored, skipped: counts.new };
  const seconds = r.record.cases.reduce((s, c) => s + (c.state === 'completed' ? c.samples.latencyMs.reduce((a, b) => a + b, 0) : 0), 0) / 1000;
  const properties: Record<string, string> = {
    backend: r.record.backend,
    device: r.record.device,
    baseline: r.baseline.path,
    'baseline.device': r.baseline.device,
    threshold: String(cmp.threshold),
    confidence: String(cmp.confidence),
    enforced: String(r.enforced),
    'mbench.version': r.record.mbenchVersion,
    'git.commit': r.record.gitCommit ?? '',
  };
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: 'mbench kernels', ...totals, time: seconds.toFixed(3) })}>`,
    `  <testsuite${attrs({ name: `mbench kernels (${r.record.backend})`, ...totals, time: seconds.toFixed(3), timestamp: r.record.createdAt })}>`,
    '    <properties>',
    ...Object.entries(properties).map(([name, value]) => `      <property${attrs({ name, value })}/>`),
    '    </properties>',
    ...cmp.cases.map((c) => testcase(r, c, classname, cmp.threshold, level)),
  ];
  const notes = [leniencyNote(r), cmp.notRun.length ? `${cmp.notRun.length} baseline case(s) not run: ${cmp.notRun.join(', ')}` : ''].filter((n) => n !== '');
  if (notes.length) out.push(`    <system-out>${xmlText(notes.join('\n'))}</system-out>`);
  out.push('  </testsuite>', '</testsuites>');
  return out.join('\n') + '\n';
}

export const junitExporter: ReportExporter = {
  format: 'junit',
  describe: 'JUnit XML, one testcase per kernel case, <failure> for a regression (FILE, or - for stdout)',
  needsComparison: true,
  serialize: junitXml,
};
