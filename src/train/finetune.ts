/**
 * Fine-tuning one task with one seed: encoder (from pretrained or MNLI-tuned weights, or random for the
 * baseline) + a fresh [CLS] head, decoupled AdamW with MosaicBERT's GLUE settings (betas 0.9/0.98, eps 1e-6,
 * per-task lr and weight decay, linear warmup over 6% then linear decay to 0), evaluation `evalsPerEpoch` times
 * per epoch and at the end, keeping the best (best-of-eval-history).
 */
import * as tf from '@tensorflow/tfjs-core';
import { scoreTask } from '../data/tasks.js';
import type { TaskData } from '../data/tasks.js';
import { mixSeed, mulberry32, permutation } from '../random.js';
import { createEncoder } from '../model/encoder.js';
import type { ModelConfig, NamedWeights } from '../model/types.js';
import { DEFAULT_ADAMW } from '../../kernels/adamw.js';
import type { EncodedExample } from './finetune-batches.js';
import { makeBatch } from './finetune-batches.js';
import { ClassifierHead, classificationLoss, classifierLogits, regressionLoss } from '../model/classifier.js';
import { bestOfHistory, type EvalPoint } from './finetune-results.js';
import { AdamWOptimizer } from './optimizer.js';
import { lrMultiplier } from './schedule.js';
import { deviceFault } from '../engine/webgpu.js';
import { UserError } from '../errors.js';

export const FINETUNE_WARMUP_FRACTION = 0.06;
/** No gradient clipping in MosaicBERT's GLUE jobs; a huge norm disables it. */
const NO_CLIP = 1e12;
const EVAL_BATCH = 64;

export interface EncodedTask {
  task: TaskData;
  train: EncodedExample[];
  dev: Record<string, EncodedExample[]>;
}

export interface SeedRunOptions {
  data: EncodedTask;
  model: ModelConfig;
  /** Weights to start from (pretrained, or MNLI-tuned); null = randomly initialised encoder. */
  start: NamedWeights | null;
  seed: number;
  pad: number;
  /** Override the task's epochs and peak learning rate (tests, quick runs, tuning). */
  epochs?: number;
  lr?: number;
  /** Keep the final encoder weights (MNLI, for RTE/MRPC/STS-B to start from). */
  keepWeights?: boolean;
  onStep?: (step: number, totalSteps: number, loss: number) => void;
}

export interface SeedRunResult {
  seed: number;
  best: EvalPoint;
  history: EvalPoint[];
  steps: number;
  wallSeconds: number;
  finalWeights: NamedWeights | null;
}

export async function finetuneSeed(o: SeedRunOptions): Promise<SeedRunResult> {
  const started = performance.now();
  const { spec } = o.data.task;
  const h = { ...spec.hyper, ...(o.lr !== undefined && { lr: o.lr }) };
  const encoder = createEncoder(o.model, o.seed);
  if (o.start) encoder.importWeights(o.start, 'the starting weights');
  const head = new ClassifierHead(o.model.hidden, spec.numLabels, o.seed, o.model.hiddenDropout);
  const weights = [...encoder.encoderWeights(), ...head.weights];
  const optimizer = new AdamWOptimizer(weights, { ...DEFAULT_ADAMW, weightDecay: h.weightDecay, decayScale: 'peak' }, NO_CLIP);
  const n = o.data.train.length;
  const batch = Math.min(h.batchSize, n);
  const stepsPerEpoch = Math.ceil(n / batch);
  const epochs = o.epochs ?? h.epochs;
  const totalSteps = stepsPerEpoch * epochs;
  const evalEvery = Math.max(1, Math.floor(stepsPerEpoch / h.evalsPerEpoch));
  const history: EvalPoint[] = [];
  const evaluate = async (step: number) => history.push({ step, metrics: await evaluateTask(o.data, (b) => classifierLogits(encoder, head, b, null), o.pad, h.maxSeqLen) });
  try {
    let step = 0;
    for (let epoch = 0; epoch < epochs; epoch++) {
      const order = permutation(n, mulberry32(mixSeed(o.seed, epoch, 0xf17e)));
      for (let s = 0; s < stepsPerEpoch; s++) {
        const idx = order.subarray(s * batch, Math.min(n, (s + 1) * batch));
        const b = makeBatch(o.data.train, idx, o.pad, h.maxSeqLen);
        step++;
        const lr = h.lr * lrMultiplier((step - 1) / totalSteps, FINETUNE_WARMUP_FRACTION, 0);
        const dropoutSeed = mixSeed(o.seed, step);
        const lossFn = (): tf.Scalar => {
          const logits = classifierLogits(encoder, head, b, dropoutSeed);
          return spec.kind === 'regression' ? regressionLoss(logits, b.labels) : classificationLoss(logits, Int32Array.from(b.labels));
        };
        const { loss } = await optimizer.step(lossFn, step, lr, h.lr);
        stopOnDeviceFault(`fine-tuning ${spec.name} (seed ${o.seed}) at step ${step}`);
        if (!Number.isFinite(loss)) throw new Error(`fine-tuning ${spec.name} (seed ${o.seed}) diverged at step ${step}: loss ${loss}`);
        o.onStep?.(step, totalSteps, loss);
        if (step % evalEvery === 0 || step === totalSteps) {
          await evaluate(step);
          stopOnDeviceFault(`evaluating ${spec.name} (seed ${o.seed}) at step ${step}`);
        }
        await new Promise((r) => setImmediate(r)); // let progress output and signals through
      }
    }
    return {
      seed: o.seed,
      best: bestOfHistory(history),
      history,
      steps: totalSteps,
      wallSeconds: (performance.now() - started) / 1000,
      finalWeights: o.keepWeights ? await encoder.exportWeights() : null,
    };
  } finally {
    optimizer.dispose();
    head.dispose();
    encoder.dispose();
  }
}

/** A lost GPU, or one that refused a shader (its outputs read as zeros), ends fine-tuning: its scores would be wrong. */
function stopOnDeviceFault(where: string): void {
  const fault = deviceFault();
  if (fault) throw new UserError(`${where}: the GPU ${fault.kind === 'lost' ? 'device was lost' : 'refused work'} (${fault.message}); run it again (a smaller batch fits a device's size limit)`, 1);
}

/** Predictions on every dev split (argmax, or the score for regression) and the task's metrics. */
export async function evaluateTask(
  data: EncodedTask,
  forward: (b: ReturnType<typeof makeBatch>) => tf.Tensor2D,
  pad: number,
  maxSeqLen: number,
): Promise<Record<string, number>> {
  const predictions: Record<string, number[]> = {};
  for (const [split, examples] of Object.entries(data.dev)) {
    const preds: number[] = [];
    for (let start = 0; start < examples.length; start += EVAL_BATCH) {
      const idx = Array.from({ length: Math.min(EVAL_BATCH, examples.length - start) }, (_, i) => start + i);
      const b = makeBatch(examples, idx, pad, maxSeqLen);
      const logits = tf.tidy(() => forward(b));
      const out = (await logits.data().finally(() => logits.dispose())) as Float32Array;
      const width = out.length / b.batchSize;
      for (let r = 0; r < b.batchSize; r++) preds.push(data.task.spec.kind === 'regression' ? out[r]! : argmax(out, r * width, width));
    }
    predictions[split] = preds;
  }
  return scoreTask(data.task.spec, data.task.dev, predictions);
}

function argmax(values: Float32Array, offset: number, width: number): number {
  let best = 0;
  for (let i = 1; i < width; i++) if (values[offset + i]! > values[offset + best]!) best = i;
  return best;
}
