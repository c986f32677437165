/**
 * Reference points and rules: results from elsewhere (published curves, other tools) to overlay or to use as
 * the baseline.
 *
 *   --reference file.csv   header `recipe,time,score[,seed,cost]`; time in hours, score a fraction (0.803) or
 *                          a percentage (80.3, read as 0.803 when any score in the file is > 1.5)
 *   --rule "Label=0.803"   a dotted horizontal line at that score
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { BadFileError, UserError } from '../errors.js';
import type { RawPoint } from './load.js';
import type { ReferenceRule } from './types.js';

export const REFERENCE_REQUIRED = ['recipe', 'time', 'score'] as const;
export const REFERENCE_OPTIONAL = ['seed', 'cost'] as const;
const ALLOWED: readonly string[] = [...REFERENCE_REQUIRED, ...REFERENCE_OPTIONAL];

/** Scores given as percentages (79.6) → fractions (0.796), without float noise (79.6/100 = 0.7959999…). */
export const fromPercent = (v: number): number => Number((v / 100).toPrecision(12));

/** A score as a fraction: values above 1.5 are read as percentages. */
export const asFraction = (v: number): number => (Math.abs(v) > 1.5 ? fromPercent(v) : v);

interface CsvRow {
  record: string[];
  info: { lines: number };
}

/** Parses reference CSV text; `file` names the source in errors (`file:line: problem`). */
export function parseReferenceCsv(text: string, file: string): RawPoint[] {
  let rows: CsvRow[];
  try {
    rows = parse(text, { info: true, skip_empty_lines: true, trim: true, comment: '#', relax_column_count: true, bom: true }) as unknown as CsvRow[];
  } catch (err) {
    const e = err as Error & { lines?: number };
    throw new BadFileError(`${file}${e.lines ? `:${e.lines}` : ''}`, `not valid CSV (${e.message})`);
  }
  const head = rows[0];
  if (!head) throw new BadFileError(file, `empty; expected a header line '${REFERENCE_REQUIRED.join(',')}[,seed,cost]'`);
  const columns = head.record.map((c) => c.toLowerCase());
  const where = (row: CsvRow): string => `${file}:${row.info.lines}`;
  for (const c of columns) {
    if (!ALLOWED.includes(c)) {
      throw new BadFileError(where(head), `unknown column '${c}'; the header must be recipe,time,score with optional seed,cost`);
    }
  }
  for (const c of REFERENCE_REQUIRED) {
    if (!columns.includes(c)) {
      throw new BadFileError(where(head), `missing column '${c}'; the header must be recipe,time,score with optional seed,cost`);
    }
  }
  if (new Set(columns).size !== columns.length) throw new BadFileError(where(head), 'a column is named twice');
  if (rows.length < 2) throw new BadFileError(file, 'has a header but no rows');

  const parsed = rows.slice(1).map((row) => {
    if (row.record.length !== columns.length) {
      throw new BadFileError(where(row), `has ${row.record.length} fields, the header has ${columns.length} (${columns.join(',')})`);
    }
    const cell = (c: string): string => row.record[columns.indexOf(c)] ?? '';
    const num = (c: string, optional: boolean): number | null => {
      const text = cell(c);
      if (text === '' && optional) return null;
      const v = Number(text);
      if (text === '' || !Number.isFinite(v)) throw new BadFileError(where(row), `${c} '${text}' is not a number`);
      return v;
    };
    const recipe = cell('recipe');
    if (!recipe) throw new BadFileError(where(row), 'recipe is empty');
    const time = num('time', false)!;
    if (time < 0) throw new BadFileError(where(row), `time ${time} is negative (hours)`);
    return { line: row.info.lines, recipe, time, score: num('score', false)!, seed: columns.includes('seed') ? num('seed', true) : null, cost: columns.includes('cost') ? num('cost', true) : null };
  });
  // Published GLUE numbers are usually percentages: read a file whose scores exceed 1.5 as ×100.
  const percent = parsed.some((r) => Math.abs(r.score) > 1.5);
  for (const r of parsed) {
    // GLUE metrics are accuracies, F1 and correlations: fractions in [-1, 1] (Matthews, Pearson, Spearman can be negative)
    if (Math.abs(percent ? r.score / 100 : r.score) > 1) {
      throw new BadFileError(`${file}:${r.line}`, `score ${r.score} is out of range: give a fraction in [-1, 1] or a percentage in [-100, 100]${percent ? ' (this file is read as percentages: some score is above 1.5)' : ''}`);
    }
  }
  return parsed.map((r) => ({
    kind: 'reference' as const,
    id: `ref:${r.line}`,
    name: `${r.recipe} @ ${r.time} h (${file}:${r.line})`,
    sweep: 'reference',
    recipe: r.recipe,
    configKey: `time=${r.time}`,
    config: { time: r.time },
    seed: r.seed,
    hours: r.time,
    costUsd: r.cost,
    tokens: null,
    flops: null,
    score: percent ? fromPercent(r.score) : r.score,
    tasks: {},
    mlmLoss: null,
    mlmAccuracy: null,
  }));
}

export function loadReferenceCsv(file: string): RawPoint[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new BadFileError(file, `cannot read --reference file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return parseReferenceCsv(text, file);
}

/**
 * `--rule "BERT-Base (Devlin 2018)=0.803"`; the last '=' splits, so labels may contain '='. `toAxis` reads the
 * value in the y axis's units: by default a score, where values > 1.5 are ×100 (a loss is taken as is).
 */
export function parseRule(text: string, toAxis: (v: number) => number = asFraction): ReferenceRule {
  const at = text.lastIndexOf('=');
  const label = at > 0 ? text.slice(0, at).trim() : '';
  const value = at > 0 ? Number(text.slice(at + 1).trim()) : NaN;
  if (!label || !Number.isFinite(value) || text.slice(at + 1).trim() === '') {
    throw new UserError(`--rule '${text}' is not LABEL=SCORE, e.g. --rule "BERT-Base (Devlin 2018)=0.803"`);
  }
  return { label, y: toAxis(value) };
}
