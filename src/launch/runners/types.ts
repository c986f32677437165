/**
 * A runner does the work of one RunSpec inside `mbench run`: pretraining (resuming from its own checkpoints),
 * then fine-tuning, then the same for each intermediate point. The lifecycle around it (lock, attempts,
 * failure records, summary.json last) lives in ../run-lifecycle.ts, so every runner gets it for free.
 */
import type { IntermediatePoint, RunSpec } from '../../config/run-spec.js';
import type { FinetuneResult, PretrainResult } from '../../results/summary.js';

/** What a run reports while it works; sent to the executor (IPC) or printed as plain lines. */
export interface RunProgressEvent {
  phase: 'pretrain' | 'finetune';
  /** The backend the run computes on (what `auto` resolved to). */
  backend?: string;
  step: number;
  totalSteps: number | null;
  loss: number | null;
  tokensPerSecond: number | null;
  etaSeconds: number | null;
  /** Free text, e.g. `sentiment seed 2`. */
  detail?: string;
}

export interface RunContext {
  spec: RunSpec;
  /** The run folder: metrics.jsonl and checkpoints/ go here. */
  dir: string;
  /** Aborted on SIGINT/SIGTERM or when the executor that started the run goes away. */
  signal: AbortSignal;
  progress(e: RunProgressEvent): void;
  log(line: string): void;
}

export interface PointResult {
  params: number;
  pretrain: PretrainResult;
  finetune: FinetuneResult | null;
}

export interface RunOutput extends PointResult {
  /** One per spec.intermediates entry, same order. */
  intermediates: Array<PointResult & { point: IntermediatePoint }>;
}

export type Runner = (ctx: RunContext) => Promise<RunOutput>;

/** A run that failed in a way the user should see with a specific exit code (e.g. mock.failSeeds → 3). */
export class RunFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** Thrown by runners when ctx.signal fires: the run stops, keeps its checkpoints, and is not a failure. */
export class RunInterrupted extends Error {
  constructor() {
    super('interrupted');
  }
}
