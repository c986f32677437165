/**
 * A fine-tuning suite on one pretrained model: every task × seed (tasks that start from MNLI run after it),
 * aggregated into the FinetuneResult that summary.json carries. `finetuneCheckpoint` is the entry point for
 * `mbench finetune` and the sweep runner; `finetuneSuite` takes weights already in memory.
 */
import { DEFAULT_BACKEND } from '../engine/backend-names.js';
import { checkName, UserError } from '../errors.js';
import { GLUE_TASKS, loadGlue } from '../data/glue.js';
import { MICRO_GLUE_TASKS, loadMicroGlue, type MicroGlueTaskName } from '../data/micro-glue.js';
import type { TaskData } from '../data/tasks.js';
import { defaultCacheRoot } from '../data/default-source.js';
import { tokenizerById } from '../data/tokenizers.js';
import type { WordPieceTokenizer } from '../data/wordpiece.js';
import { useBackend } from '../engine/backends.js';
import type { ModelConfig, NamedWeights } from '../model/types.js';
import type { FinetuneResult, TaskResult } from '../results/summary.js';
import { readCheckpoint } from './checkpoint.js';
import { encodeExample } from './finetune-batches.js';
import { taskResult } from './finetune-results.js';
import { finetuneSeed, type EncodedTask, type SeedRunResult } from './finetune.js';
import { probeTask } from './probe.js';

export const SUITES = ['micro-glue', 'glue'] as const;
export type SuiteName = (typeof SUITES)[number];
/** `finetune`: the whole encoder and a [CLS] head trained per task and seed; `probe`: a linear probe on the frozen
 *  encoder (./probe.ts), deterministic, one score per task. */
export const FINETUNE_METHODS = ['finetune', 'probe'] as const;
export type FinetuneMethod = (typeof FINETUNE_METHODS)[number];

export interface SuiteOptions {
  suite: SuiteName;
  /** Default 'finetune'. */
  method?: FinetuneMethod;
  /** Task names of the suite (default: all). */
  tasks?: readonly string[];
  /** Seeds for every task, replacing each task's own list. */
  seeds?: readonly number[];
  /** The GLUE data folder (suite 'glue'). */
  glueDir?: string;
  /** Override every task's epochs / peak learning rate (quick runs, tests, tuning). */
  epochs?: number;
  lr?: number;
  /** Train each task on at most this many examples: the first N of its training set (micro-GLUE's is shuffled
   *  with a fixed seed, so this is a fixed random subsample). Dev sets are never cut. */
  maxTrainExamples?: number;
  /** Per-task progress lines (stderr in the CLI). */
  log?: (line: string) => void;
}

export interface PretrainedModel {
  config: ModelConfig;
  /** Pretrained weights; null fine-tunes a randomly initialised encoder (the does-pretraining-help baseline). */
  weights: NamedWeights | null;
  tokenizer: WordPieceTokenizer;
}

export function suiteTaskNames(suite: SuiteName): readonly string[] {
  return suite === 'glue' ? GLUE_TASKS : MICRO_GLUE_TASKS;
}

/** Validates suite and task names (did-you-mean) before anything slow happens. */
export function checkSuiteTasks(suite: string, tasks?: readonly string[]): { suite: SuiteName; tasks: string[] } {
  const s = checkName('suite', suite, SUITES);
  const known = suiteTaskNames(s);
  return { suite: s, tasks: (tasks?.length ? tasks : known).map((t) => checkName(`${s} task`, t, known)) };
}

export async function loadSuite(o: Pick<SuiteOptions, 'suite' | 'tasks' | 'glueDir'>): Promise<TaskData[]> {
  const { suite, tasks } = checkSuiteTasks(o.suite, o.tasks);
  if (suite === 'glue') {
    if (!o.glueDir) throw new UserError('--suite glue needs --glue-dir <folder with CoLA/, SST-2/, MRPC/, …>');
    return loadGlue(o.glueDir, tasks);
  }
  return loadMicroGlue(tasks as MicroGlueTaskName[]);
}

function encodeTask(task: TaskData, tok: WordPieceTokenizer): EncodedTask {
  const enc = (t: string) => tok.encode(t);
  const max = task.spec.hyper.maxSeqLen;
  return {
    task,
    train: task.train.map((e) => encodeExample(e, enc, tok.special, max)),
    dev: Object.fromEntries(Object.entries(task.dev).map(([k, v]) => [k, v.map((e) => encodeExample(e, enc, tok.special, max))])),
  };
}

/** Runs every task × seed and aggregates. Tasks with `startFrom` begin from that task's first-seed weights when it ran. */
export async function finetuneSuite(model: PretrainedModel, o: SuiteOptions): Promise<FinetuneResult> {
  const started = performance.now();
  const tasks = (await loadSuite(o)).map((t) => (o.maxTrainExamples !== undefined ? { ...t, train: t.train.slice(0, o.maxTrainExamples) } : t));
  // Sources first (MNLI before RTE/MRPC/STS-B), otherwise the suite's order.
  const ordered = [...tasks].sort((a, b) => Number(a.spec.startFrom !== undefined) - Number(b.spec.startFrom !== undefined));
  const tunedStart = new Map<string, NamedWeights>();
  const results: Record<string, TaskResult> = {};
  const needed = new Set(ordered.map((t) => t.spec.startFrom).filter((s): s is string => s !== undefined));
  const allSeeds = new Set<number>();
  for (const task of ordered) {
    const data = encodeTask(task, model.tokenizer);
    if (o.method === 'probe') {
      const t0 = performance.now();
      const metrics = await probeTask(model.config, model.weights, data, model.tokenizer.special.pad, o.seeds?.[0] ?? 1);
      results[task.spec.name] = taskResult(task.spec, Object.keys(task.dev).length, [metrics]);
      o.log?.(`  ${task.spec.name} probe: ${fmtMetrics(metrics)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
      continue;
    }
    const seeds = o.seeds?.length ? [...o.seeds] : task.spec.hyper.seeds;
    const start = (task.spec.startFrom && tunedStart.get(task.spec.startFrom)) || model.weights;
    const runs: SeedRunResult[] = [];
    for (const [i, seed] of seeds.entries()) {
      allSeeds.add(seed);
      let lastLine = 0;
      const run = await finetuneSeed({
        data,
        model: model.config,
        start,
        seed,
        pad: model.tokenizer.special.pad,
        ...(o.epochs !== undefined && { epochs: o.epochs }),
        ...(o.lr !== undefined && { lr: o.lr }),
        keepWeights: i === 0 && needed.has(task.spec.name),
        onStep: (step, total, loss) => {
          const now = performance.now();
          if (o.log && (now - lastLine > 2000 || step === total)) {
            lastLine = now;
            o.log(`  ${task.spec.name} seed ${seed}: step ${step}/${total} loss ${loss.toFixed(4)}`);
          }
        },
      });
      if (run.finalWeights) tunedStart.set(task.spec.name, run.finalWeights);
      runs.push(run);
      o.log?.(`  ${task.spec.name} seed ${seed}: best ${fmtMetrics(run.best.metrics)} at step ${run.best.step} (${run.wallSeconds.toFixed(1)} s)`);
    }
    results[task.spec.name] = taskResult(task.spec, Object.keys(task.dev).length, runs.map((r) => r.best.metrics));
  }
  // Report tasks in the suite's order, whatever order they ran in.
  const tasksInOrder = Object.fromEntries(tasks.map((t) => [t.spec.name, results[t.spec.name]!]));
  return {
    suite: o.suite,
    ...(o.method === 'probe' && { method: 'probe' as const }),
    seeds: o.method === 'probe' ? [] : [...allSeeds].sort((a, b) => a - b),
    tasks: tasksInOrder,
    wallSeconds: (performance.now() - started) / 1000,
  };
}

function fmtMetrics(m: Record<string, number>): string {
  return Object.entries(m)
    .map(([k, v]) => `${k} ${v.toFixed(4)}`)
    .join(', ');
}

/** The model a checkpoint holds: config, weights and the tokenizer it was trained with (checked by id). */
export function loadPretrained(checkpoint: string, opts: { randomInit?: boolean; cacheRoot?: string } = {}): PretrainedModel {
  const { header, arrays } = readCheckpoint(checkpoint);
  const tokenizer = tokenizerById(header.tokenizerId, opts.cacheRoot ?? defaultCacheRoot(), checkpoint);
  if (tokenizer.info.vocabSize !== header.model.vocabSize) {
    throw new UserError(`${checkpoint}: model vocabulary ${header.model.vocabSize} does not match tokenizer ${tokenizer.info.id} (${tokenizer.info.vocabSize} tokens)`);
  }
  if (opts.randomInit) return { config: header.model, weights: null, tokenizer };
  const values = new Map<string, Float32Array>();
  const shapes = new Map<string, number[]>();
  for (const a of arrays) {
    if (a.kind !== 'weight') continue;
    values.set(a.name, a.data);
    shapes.set(a.name, a.shape);
  }
  return { config: header.model, weights: { values, shapes }, tokenizer };
}

/** Fine-tunes a checkpoint on a suite: activates the backend, loads the model and runs every task × seed. */
export async function finetuneCheckpoint(
  checkpoint: string,
  o: SuiteOptions & { backend?: string; randomInit?: boolean; cacheRoot?: string },
): Promise<FinetuneResult> {
  checkSuiteTasks(o.suite, o.tasks);
  await useBackend(o.backend ?? DEFAULT_BACKEND);
  return finetuneSuite(loadPretrained(checkpoint, o), o);
}
