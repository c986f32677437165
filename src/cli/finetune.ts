import { existsSync, statSync } from 'node:fs';
import Table from 'cli-table3';
import type { CommandModule } from 'yargs';
import { BACKEND_CHOICES, DEFAULT_BACKEND } from '../engine/backend-names.js';
import { findCheckpoint } from '../export/find-checkpoint.js';
import { writeJsonAtomic } from '../results/atomic.js';
import { checkOutputFile } from '../results/output-path.js';
import type { FinetuneResult } from '../results/summary.js';
import { finetuneScore } from '../train/finetune-results.js';
import { FINETUNE_METHODS, SUITES, checkSuiteTasks, finetuneCheckpoint, type FinetuneMethod, type SuiteName } from '../train/finetune-suite.js';
import { UserError } from '../errors.js';
import { handler } from './common.js';

interface Args {
  checkpoint: string;
  suite: string;
  tasks?: string[];
  seeds?: number[];
  'glue-dir'?: string;
  backend: string;
  epochs?: number;
  lr?: number;
  'max-train-examples'?: number;
  'random-init': boolean;
  method: string;
  out?: string;
}

export const command: CommandModule<object, Args> = {
  command: 'finetune <checkpoint>',
  describe: 'Fine-tune a pretrained checkpoint on micro-GLUE (offline) or GLUE and print per-task scores and the average',
  builder: (y) =>
    y
      .usage(
        'mbench finetune CHECKPOINT [--suite micro-glue|glue] [--tasks …] [--seeds …] [--glue-dir DIR]\n\n' +
          "Each task × seed fine-tunes the checkpoint's encoder with a fresh [CLS] head (MosaicBERT's per-task lr, batch,\n" +
          'epochs and seeds; RTE/MRPC/STS-B start from the MNLI-tuned weights) and keeps its best evaluation. A task\n' +
          "scores the mean of its metrics over seeds; the suite's score is the mean over tasks. --random-init fine-tunes\n" +
          'the same architecture from random weights: the baseline that shows what pretraining buys.',
      )
      .positional('checkpoint', { type: 'string', demandOption: true, describe: 'a checkpoint written by mbench pretrain (…/checkpoints/step-*.ckpt), or a run folder: its newest good checkpoint' })
      .option('suite', { type: 'string', default: 'micro-glue', describe: `${SUITES.join(' or ')}` })
      .option('tasks', { type: 'string', array: true, describe: 'only these tasks [default: all of the suite]' })
      .option('seeds', { type: 'number', array: true, describe: "fine-tuning seeds for every task [default: each task's own list]" })
      .option('glue-dir', { type: 'string', describe: 'the GLUE data folder (needed for --suite glue)' })
      .option('backend', { type: 'string', default: DEFAULT_BACKEND, describe: `tfjs backend: ${BACKEND_CHOICES.join(', ')} (auto: native when built, else wasm; see mbench backends)` })
      .option('epochs', { type: 'number', describe: "override every task's epochs (quick runs)" })
      .option('lr', { type: 'number', describe: "override every task's peak learning rate" })
      .option('max-train-examples', { type: 'number', describe: 'train each task on at most this many examples (a fixed subsample; dev sets stay whole)' })
      .option('method', { type: 'string', default: 'finetune', choices: FINETUNE_METHODS, describe: 'finetune: the encoder and a [CLS] head per task and seed; probe: a linear probe on the frozen encoder (deterministic; what the micro-scale quickstart uses, docs/data.md)' })
      .option('random-init', { type: 'boolean', default: false, describe: "ignore the checkpoint's weights (keep its architecture and tokenizer)" })
      .option('out', { type: 'string', describe: 'also write the FinetuneResult as JSON to this file' })
      .strict(),
  handler: handler(async (a: Args) => {
    const { suite, tasks } = checkSuiteTasks(a.suite, a.tasks);
    if (a.seeds?.some((s) => !Number.isInteger(s) || s < 0)) throw new UserError(`--seeds must be non-negative integers, got ${a.seeds.join(' ')}`);
    if (a.epochs !== undefined && !(Number.isInteger(a.epochs) && a.epochs >= 1)) throw new UserError(`--epochs must be a positive integer, got ${a.epochs}`);
    if (a.lr !== undefined && !(a.lr > 0 && Number.isFinite(a.lr))) throw new UserError(`--lr must be a positive number, got ${a.lr}`);
    const cap = a['max-train-examples'];
    if (cap !== undefined && !(Number.isInteger(cap) && cap >= 8)) throw new UserError(`--max-train-examples must be an integer ≥ 8, got ${cap}`);
    const err = (line: string): boolean => process.stderr.write(line + '\n');
    if (a.out !== undefined) checkOutputFile(a.out);
    // a run folder (or its checkpoints/) stands for its newest checkpoint that verifies, as for mbench export
    let checkpoint = a.checkpoint;
    if (existsSync(checkpoint) && statSync(checkpoint).isDirectory()) {
      const found = findCheckpoint(checkpoint);
      for (const s of found.skipped) err(`finetune: skipped ${s}`);
      checkpoint = found.path;
      err(`finetune: ${checkpoint}`);
    }
    const result = await finetuneCheckpoint(checkpoint, {
      suite: suite as SuiteName,
      tasks,
      ...(a.seeds?.length && { seeds: a.seeds }),
      ...(a['glue-dir'] !== undefined && { glueDir: a['glue-dir'] }),
      ...(a.epochs !== undefined && { epochs: a.epochs }),
      ...(a.lr !== undefined && { lr: a.lr }),
      ...(cap !== undefined && { maxTrainExamples: cap }),
      backend: a.backend,
      randomInit: a['random-init'],
      method: a.method as FinetuneMethod,
      log: err,
    });
    if (a.out) writeJsonAtomic(a.out, result);
    process.stdout.write(resultTable(result, a['random-init'] ? ' (random init)' : '') + '\n');
  }),
};

/** Per-task table (scores ×100 as GLUE tables show them) and the average. */
export function resultTable(r: FinetuneResult, note = ''): string {
  const plain = !process.stdout.isTTY; // no colour codes in pipes and files
  const table = new Table({ head: ['task', 'metric', 'score', 'per seed', 'all metrics'], ...(plain && { style: { head: [], border: [] } }) });
  for (const [name, t] of Object.entries(r.tasks)) {
    table.push([
      name,
      t.metric,
      (t.score * 100).toFixed(2),
      t.perSeed.map((s) => (s * 100).toFixed(1)).join(' '),
      Object.entries(t.metrics)
        .map(([k, v]) => `${k} ${(v * 100).toFixed(2)}`)
        .join(', '),
    ]);
  }
  const avg = finetuneScore(r);
  table.push([{ colSpan: 2, content: `average${note}` }, avg === null ? '-' : (avg * 100).toFixed(2), '', `${r.wallSeconds.toFixed(0)} s`]);
  return `${r.suite}\n${table.toString()}`;
}
