import { checkOutputFolder } from '../results/output-path.js';
import type { CommandModule } from 'yargs';
import { join } from 'node:path';
import { writeJsonAtomic } from '../results/atomic.js';
import { RECIPE_NAMES, SIZE_NAMES } from '../model/recipes.js';
import { BACKEND_CHOICES } from '../engine/backend-names.js';
import { pretrainCommandRequest } from '../config/pretrain-request.js';
import { BUILTIN_CORPUS } from '../data/builtin-source.js';
import { PRETRAIN_COMMAND_DEFAULTS as COMMAND, TRAINING_DEFAULTS as DEFAULTS } from '../train/defaults.js';
import { runPretraining } from '../train/pretrain-run.js';
import { formatSeconds, progressLine, resultLines } from '../train/progress-line.js';
import { handler } from './common.js';

interface Args {
  recipe: string;
  size: string;
  duration: string;
  out: string;
  backend: string;
  seed: number;
  batch: number;
  microbatch?: number;
  seq: number;
  lr?: number;
  warmup?: string;
  'mask-ratio'?: number;
  corpus?: string[];
  tokenizer?: string;
  'eval-every': number;
  'eval-batches': number;
  'eval-samples': number;
  'checkpoint-every': number;
  'keep-checkpoints': number;
}

/** A flag given twice keeps its last value (yargs would make an array of it). */
const last = (v: string | string[]): string => (Array.isArray(v) ? v[v.length - 1]! : v);

export const command: CommandModule<object, Args> = {
  command: 'pretrain',
  describe: 'Pretrain one encoder (masked-language modelling); rerun the same command to resume after a crash',
  builder: (y) =>
    y
      .usage(
        'mbench pretrain --recipe mosaic --size tiny --duration 200ba --out DIR [options]\n\n' +
          'Trains with MLM, logs DIR/metrics.jsonl, writes checkpoints to DIR/checkpoints/ and the result to ' +
          'DIR/pretrain-result.json. Rerunning the same command resumes from the newest checkpoint; a checkpoint ' +
          'from other settings is refused. Training time excludes evaluation and checkpoint I/O. float32 only: ' +
          'tfjs has no bf16 or low-precision LayerNorm.',
      )
      .option('recipe', { type: 'string', coerce: last, default: COMMAND.recipe, describe: `model recipe: ${RECIPE_NAMES.join(', ')}` })
      .option('size', { type: 'string', coerce: last, default: DEFAULTS.size, describe: `model size: ${SIZE_NAMES.join(', ')}` })
      .option('duration', {
        type: 'string',
        default: COMMAND.duration,
        describe: 'how long: steps (200ba), samples (6400sp), tokens (1e6tok), epochs (2ep) or wall-clock training time (30s, 5m, 1.5h)',
      })
      .option('out', { type: 'string', coerce: last, demandOption: true, describe: 'run folder for metrics, checkpoints and the result' })
      .option('backend', { type: 'string', coerce: last, default: DEFAULTS.backend, describe: `tfjs backend: ${BACKEND_CHOICES.join(', ')} (auto: native when built, else wasm; see mbench backends)` })
      .option('seed', { type: 'number', default: DEFAULTS.seed, describe: 'seeds init, masking, dropout and data order' })
      .option('batch', { type: 'number', default: DEFAULTS.batchSize, describe: 'samples per step (the global batch)' })
      .option('microbatch', { type: 'number', describe: 'samples per forward/backward pass on each device, gradients summed over the step: less memory, the same result [default: the whole batch]' })
      .option('seq', { type: 'number', default: DEFAULTS.seqLen, describe: 'sequence length (samples are truncated and padded to it)' })
      .option('lr', { type: 'number', describe: `peak learning rate [default: ${DEFAULTS.peakLr}]` })
      .option('warmup', { type: 'string', describe: `linear warmup length, any duration unit [default: ${DEFAULTS.warmup}]` })
      .option('mask-ratio', { type: 'number', describe: 'training mask ratio [default: the recipe\'s, bert 0.15, mosaic 0.3]; evaluation always masks 15%' })
      .option('corpus', {
        type: 'string',
        array: true,
        describe: `corpus files or folders (C4 JSON lines, .gz, plain text) [default: the embedded corpus]; '${BUILTIN_CORPUS}' = a few KB of built-in text with a word tokenizer, for a quick try`,
      })
      .option('tokenizer', { type: 'string', describe: 'bert-base-uncased (default) or wordpiece-<size>' })
      .option('eval-every', { type: 'number', default: COMMAND.evalEvery, describe: 'evaluate held-out MLM loss/accuracy every N steps (0: only at the end)' })
      .option('eval-batches', { type: 'number', default: DEFAULTS.evalBatches, describe: 'held-out batches per periodic evaluation (0: no evaluation at all)' })
      .option('eval-samples', { type: 'number', default: DEFAULTS.fullEvalSamples, describe: 'held-out samples of the full evaluation at the end: the same fixed set for every run, ≥ 20k masked tokens at --seq 64 (0: no evaluation at all)' })
      .option('checkpoint-every', { type: 'number', default: DEFAULTS.checkpointEvery, describe: 'checkpoint every N steps (0: only at the end)' })
      .option('keep-checkpoints', { type: 'number', default: DEFAULTS.keepCheckpoints, describe: 'keep the newest N checkpoints (0: all)' })
      .strict(),
  handler: handler(async (a: Args) => {
    checkOutputFolder(a.out);
    const err = (line: string): boolean => process.stderr.write(line + '\n');
    const ctl = new AbortController();
    const onSigint = (): void => {
      err('interrupt: stopping after this step and writing a checkpoint (press Ctrl-C again to kill)');
      ctl.abort();
      process.off('SIGINT', onSigint);
    };
    process.on('SIGINT', onSigint);
    let lastPrint = 0;
    try {
      const result = await runPretraining(
        pretrainCommandRequest({
          out: a.out, recipe: a.recipe, size: a.size, duration: a.duration, backend: a.backend, seed: a.seed, batch: a.batch, seq: a.seq,
          lr: a.lr, warmup: a.warmup, maskRatio: a['mask-ratio'], corpus: a.corpus, tokenizer: a.tokenizer, evalEvery: a['eval-every'],
          evalBatches: a['eval-batches'], evalSamples: a['eval-samples'], checkpointEvery: a['checkpoint-every'], keepCheckpoints: a['keep-checkpoints'],
          ...(a.microbatch !== undefined && { microbatch: a.microbatch }), log: err,
        }),
        {
          signal: ctl.signal,
          onResume: (e) => {
            for (const s of e.skipped) err(`skipped a damaged checkpoint: ${s}`);
            err(e.finished ? `already finished at step ${e.step} (${e.path})` : `resuming from step ${e.step} (${e.path})`);
          },
          onProgress: (e) => {
            const now = performance.now();
            if (e.step === 1 || e.step === e.totalSteps || now - lastPrint > 2000) {
              lastPrint = now;
              err(progressLine(e));
            }
          },
          onEval: (e) => err(`eval at step ${e.step}: loss ${e.loss.toFixed(4)}, accuracy ${(e.accuracy * 100).toFixed(1)}% (15% masking, held-out)`),
          onCheckpoint: (path) => err(`checkpoint ${path}`),
        },
      );
      writeJsonAtomic(join(a.out, 'pretrain-result.json'), result);
      process.stdout.write(resultLines(result).join('\n') + `\n(${formatSeconds(result.wallSeconds)} of training; result in ${join(a.out, 'pretrain-result.json')})\n`);
    } finally {
      process.off('SIGINT', onSigint);
    }
  }),
};
