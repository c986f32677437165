/**
 * `--report github`: the verdicts as GitHub-flavoured Markdown, for a job's step summary ($GITHUB_STEP_SUMMARY):
 * a heading with the outcome, what was compared, one table row per case (slower and errored first, each with a
 * status mark), the counts, and the reason when regressions only warn. Cell text is escaped so a case name or
 * an error message cannot break the table or inject HTML.
 */
import { percent, ratioText } from '../table.js';
import type { CaseComparison } from '../compare.js';
import { leniencyNote, outcomeCounts, outcomeOf, type CaseOutcome, type CheckReport, type ReportExporter } from './report.js';

const MARK: Record<CaseOutcome, string> = { slower: '❌', errored: '💥', same: '✅', faster: '🚀', new: '🆕' };
const ORDER: CaseOutcome[] = ['slower', 'errored', 'faster', 'same', 'new'];

/** Text safe inside a Markdown table cell: no pipes, line breaks, backslash escapes or HTML. */
export function markdownCell(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\s*[\r\n]+\s*/g, ' ');
}

function row(c: CaseComparison): string {
  const o = outcomeOf(c);
  // GFM splits cells at a pipe even inside a code span unless it is escaped there too.
  const name = `\`${c.name.replace(/`/g, "'").replace(/\|/g, '\\|')}\``;
  if (c.state === 'compared') {
    const verdict = o === 'slower' ? '**slower**' : o;
    return `| ${MARK[o]} | ${name} | ${ratioText(c.baselineRatio)} | ${ratioText(c.currentRatio)} | ${percent(c.change)} | ${percent(c.changeLow)} … ${percent(c.changeHigh)} | ${verdict} |`;
  }
  if (c.state === 'errored') return `| ${MARK[o]} | ${name} | | | | | **errored**: ${markdownCell(c.error)} |`;
  return `| ${MARK[o]} | ${name} | | | | | new (not in the baseline) |`;
}

export function githubMarkdown(r: CheckReport): string {
  const cmp = r.comparison;
  if (!cmp || !r.baseline) throw new Error('the github report needs a comparison');
  const counts = outcomeCounts(cmp);
  const failed = cmp.regressed && r.enforced;
  const status = failed ? '❌ regression' : cmp.regressed ? '⚠️ slower, not failing' : '✅ no regression';
  const level = Math.round(cmp.confidence * 100);
  const sorted = [...cmp.cases].sort((a, b) => ORDER.indexOf(outcomeOf(a)) - ORDER.indexOf(outcomeOf(b)));
  const tally = [counts.slower ? `**${counts.slower} slower**` : '0 slower', `${counts.same} same`, `${counts.faster} faster`];
  if (counts.errored) tally.push(`**${counts.errored} errored**`);
  if (counts.new) tally.push(`${counts.new} new`);
  const lines = [
    `### Kernel regression check (${markdownCell(r.record.backend)}): ${status}`,
    '',
    `Compared with \`${r.baseline.path.replace(/`/g, "'")}\` (recorded on ${markdownCell(r.baseline.device)}); this run on ${markdownCell(r.record.device)}. ` +
      `A case fails when the whole ${level}% interval of its change lies above +${(cmp.threshold * 100).toFixed(0)}%. ` +
      'Ratios are the case\'s time over the calibration matmul\'s in the same process.',
    '',
    `| | case | baseline ×cal | now ×cal | change | ${level}% interval | verdict |`,
    '| --- | --- | ---: | ---: | ---: | ---: | --- |',
    ...sorted.map(row),
    '',
    tally.join(', ') + (cmp.notRun.length ? `; ${cmp.notRun.length} baseline case(s) not run` : '') + '.',
  ];
  const note = leniencyNote(r);
  if (note) lines.push('', `> ${markdownCell(note)}`);
  return lines.join('\n') + '\n';
}

export const githubExporter: ReportExporter = {
  format: 'github',
  describe: 'Markdown verdict table, appended to $GITHUB_STEP_SUMMARY when set (else FILE, else stdout)',
  needsComparison: true,
  serialize: githubMarkdown,
};
