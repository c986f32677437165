/**
 * GLUE from the standard data folder (the layout `download_glue_data.py` writes): one sub-folder per task with
 * tab-separated train.tsv and dev.tsv (MNLI: dev_matched.tsv and dev_mismatched.tsv). Fields are split on tabs
 * only (GLUE's TSVs are unquoted); every row must have the header's column count (CoLA has no header: 4).
 *
 * Hyperparameters, seeds, metrics and the MNLI starting point follow MosaicBERT's GLUE jobs
 * (mosaicml/examples, benchmarks/bert/src/glue/finetuning_jobs.py and yamls/finetuning/glue/mosaic-bert-base-uncased.yaml).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BadFileError, UserError, checkName, printable } from '../errors.js';
import type { MetricName, TaskData, TaskExample, TaskHyperparameters, TaskSpec } from './tasks.js';

export const GLUE_TASKS = ['mnli', 'qnli', 'qqp', 'sst2', 'cola', 'stsb', 'mrpc', 'rte'] as const;
export type GlueTaskName = (typeof GLUE_TASKS)[number];

interface GlueFormat {
  folder: string;
  /** Column names, or for headerless files (CoLA) the fixed column count and positions. */
  header: boolean;
  columns?: number;
  a: string | number;
  b?: string | number;
  label: string | number;
  labels?: string[];
  dev: Record<string, string>;
}

const FORMATS: Record<GlueTaskName, GlueFormat> = {
  cola: { folder: 'CoLA', header: false, columns: 4, a: 3, label: 1, labels: ['0', '1'], dev: { dev: 'dev.tsv' } },
  sst2: { folder: 'SST-2', header: true, a: 'sentence', label: 'label', labels: ['0', '1'], dev: { dev: 'dev.tsv' } },
  mrpc: { folder: 'MRPC', header: true, a: '#1 String', b: '#2 String', label: 'Quality', labels: ['0', '1'], dev: { dev: 'dev.tsv' } },
  stsb: { folder: 'STS-B', header: true, a: 'sentence1', b: 'sentence2', label: 'score', dev: { dev: 'dev.tsv' } },
  qqp: { folder: 'QQP', header: true, a: 'question1', b: 'question2', label: 'is_duplicate', labels: ['0', '1'], dev: { dev: 'dev.tsv' } },
  mnli: {
    folder: 'MNLI',
    header: true,
    a: 'sentence1',
    b: 'sentence2',
    label: 'gold_label',
    labels: ['entailment', 'neutral', 'contradiction'],
    dev: { matched: 'dev_matched.tsv', mismatched: 'dev_mismatched.tsv' },
  },
  qnli: { folder: 'QNLI', header: true, a: 'question', b: 'sentence', label: 'label', labels: ['entailment', 'not_entailment'], dev: { dev: 'dev.tsv' } },
  rte: { folder: 'RTE', header: true, a: 'sentence1', b: 'sentence2', label: 'label', labels: ['entailment', 'not_entailment'], dev: { dev: 'dev.tsv' } },
};

const h = (lr: number, batchSize: number, epochs: number, seeds: number[], evalsPerEpoch: number, weightDecay = lr / 10): TaskHyperparameters => ({
  lr,
  weightDecay,
  batchSize,
  epochs,
  seeds,
  maxSeqLen: 256,
  evalsPerEpoch,
});
const SEEDS5 = [19, 8364, 717, 10536, 90166];

/** MosaicBERT's per-task settings (lr, batch, epochs, seeds; weight decay lr/10 except RTE's 1e-5). */
export const GLUE_SPECS: Record<GlueTaskName, TaskSpec> = {
  mnli: spec('mnli', 3, ['accuracy'], h(5e-5, 48, 3, [19], 4)),
  qnli: spec('qnli', 2, ['accuracy'], h(1e-5, 16, 10, [19], 6)),
  qqp: spec('qqp', 2, ['accuracy', 'f1'], h(3e-5, 16, 5, [19], 10)),
  sst2: spec('sst2', 2, ['accuracy'], h(3e-5, 16, 3, SEEDS5.slice(0, 3), 8)),
  cola: spec('cola', 2, ['mcc'], h(5e-5, 32, 10, SEEDS5.slice(0, 4), 1)),
  stsb: { ...spec('stsb', 1, ['spearman'], h(3e-5, 32, 10, SEEDS5, 1)), kind: 'regression', startFrom: 'mnli' },
  mrpc: { ...spec('mrpc', 2, ['accuracy', 'f1'], h(8e-5, 32, 10, SEEDS5, 1)), startFrom: 'mnli' },
  rte: { ...spec('rte', 2, ['accuracy'], h(1e-5, 16, 3, SEEDS5, 2, 1e-5)), startFrom: 'mnli' },
};

function spec(name: GlueTaskName, numLabels: number, metrics: MetricName[], hyper: TaskHyperparameters): TaskSpec {
  const labels = FORMATS[name].labels;
  return { name, kind: 'classification', numLabels, metrics, hyper, source: `GLUE ${FORMATS[name].folder}`, ...(labels ? { labelNames: labels } : {}) };
}

/** The files a task needs, relative to the GLUE folder. */
export function glueFiles(task: GlueTaskName): string[] {
  const f = FORMATS[task];
  return ['train.tsv', ...Object.values(f.dev)].map((file) => join(f.folder, file));
}

/** Checks task names (did-you-mean on a typo) and that every needed file exists, naming all missing ones. */
export function checkGlueDir(dir: string, tasks: readonly string[] = GLUE_TASKS): GlueTaskName[] {
  const names = tasks.map((t) => checkName('GLUE task', t, GLUE_TASKS));
  if (!existsSync(dir)) throw new UserError(`GLUE folder '${dir}' does not exist (--glue-dir)`);
  const missing = names.flatMap(glueFiles).filter((f) => !existsSync(join(dir, f)));
  if (missing.length) throw new UserError(`GLUE folder '${dir}' is missing ${missing.join(', ')}`);
  return names;
}

export function loadGlueTask(dir: string, task: GlueTaskName): TaskData {
  const f = FORMATS[task];
  const read = (file: string) => readTsv(join(dir, f.folder, file), f, GLUE_SPECS[task]);
  return { spec: GLUE_SPECS[task], train: read('train.tsv'), dev: Object.fromEntries(Object.entries(f.dev).map(([k, file]) => [k, read(file)])) };
}

export function loadGlue(dir: string, tasks: readonly string[] = GLUE_TASKS): TaskData[] {
  return checkGlueDir(dir, tasks).map((t) => loadGlueTask(dir, t));
}

function readTsv(file: string, f: GlueFormat, spec: TaskSpec): TaskExample[] {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  let columns: number;
  let col: (key: string | number) => number;
  let first = 0;
  if (f.header) {
    const names = (lines[0] ?? '').split('\t');
    columns = names.length;
    col = (key) => {
      const i = typeof key === 'number' ? key : names.lastIndexOf(key);
      if (i < 0) throw new BadFileError(`${file}:1`, `header has no '${key}' column (found: ${names.map((n) => printable(n, 30)).join(', ')})`);
      return i;
    };
    first = 1;
  } else {
    columns = f.columns!;
    col = (key) => key as number;
  }
  const ia = col(f.a);
  const ib = f.b === undefined ? -1 : col(f.b);
  const il = col(f.label);
  const out: TaskExample[] = [];
  for (let n = first; n < lines.length; n++) {
    const line = lines[n]!;
    if (!line.trim()) continue;
    const cells = line.split('\t');
    const where = `${file}:${n + 1}`;
    if (cells.length !== columns) throw new BadFileError(where, `expected ${columns} tab-separated columns${f.header ? ' (as the header)' : ''}, found ${cells.length}`);
    const raw = cells[il]!.trim();
    let label: number;
    if (spec.kind === 'regression') {
      label = Number(raw);
      if (raw === '' || !Number.isFinite(label)) throw new BadFileError(where, `score '${printable(raw)}' is not a number`);
    } else {
      label = f.labels!.indexOf(raw);
      if (label < 0) throw new BadFileError(where, `label '${printable(raw)}' is not one of ${f.labels!.join(', ')}`);
    }
    out.push(ib >= 0 ? { a: cells[ia]!, b: cells[ib]!, label } : { a: cells[ia]!, label });
  }
  if (out.length === 0) throw new BadFileError(file, 'has no examples');
  return out;
}
