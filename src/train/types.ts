/**
 * What the training loop needs from a model, and what it tells its caller. The real encoder (src/model) is
 * adapted to `TrainableMlm` in model-adapter.ts; tests use a small stand-in.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { MlmBatch, MlmOutput, ModelConfig } from '../model/types.js';

export interface NamedWeight {
  /** Stable name, the key of this weight in checkpoints (e.g. `encoder.0.attention.qkv.kernel`). */
  name: string;
  variable: tf.Variable;
}

export interface TrainableMlm {
  readonly config: ModelConfig;
  /** Trainable weights in a stable order. */
  readonly weights: readonly NamedWeight[];
  /** Masked-token MLM loss on `batch`; dropoutSeed null means evaluation (no dropout). Runs under a gradient tape. */
  mlmLoss(batch: MlmBatch, dropoutSeed: number | null): MlmOutput;
  /** Analytical training FLOPs (forward + backward) of one step on `batch`, when the model can count them. */
  trainFlops?(batch: MlmBatch): number;
  dispose(): void;
}

/** One line of metrics.jsonl. */
export type MetricsRecord =
  | {
      kind: 'train';
      step: number;
      loss: number;
      lr: number;
      gradNorm: number;
      /** Real tokens in this step's batch and in the run so far. */
      tokens: number;
      samples: number;
      /** Seconds and analytical FLOPs of this step alone; trainSeconds is the run's total so far. */
      stepSeconds: number;
      stepFlops: number;
      trainSeconds: number;
      tokensPerSecond: number;
      /** Seconds of stepSeconds spent exchanging gradients between ranks (multi-device runs only). */
      communicationSeconds?: number;
      /** Seconds of stepSeconds this rank waited for the slowest rank before the exchange (multi-device runs). */
      rankWaitSeconds?: number;
      time: string;
    }
  | {
      kind: 'eval';
      step: number;
      evalLoss: number;
      evalAccuracy: number;
      maskedTokens: number;
      /** Standard error of evalAccuracy, sqrt(p(1−p)/maskedTokens), as a fraction. */
      accuracyStdErr: number;
      /** 'full': the fixed held-out set (end of run, evalAt points); 'periodic': the small one of --eval-every. */
      set: 'full' | 'periodic';
      /** Pretraining seconds and real tokens seen so far: where this point sits on a learning curve. */
      trainSeconds: number;
      tokensSeen: number;
      evalSeconds: number;
      time: string;
    };

/** Progress a caller can display; `etaSeconds` is null for the first steps. */
export interface ProgressEvent {
  step: number;
  totalSteps: number | null;
  loss: number;
  lr: number;
  tokensPerSecond: number;
  trainSeconds: number;
  budgetSeconds: number | null;
  etaSeconds: number | null;
}
