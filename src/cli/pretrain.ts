import { checkOutputFolder } from '../results/output-path.js';
import type { CommandModule } from 'yargs';
import { join } from 'node:path';
import { readJson, writeJsonAtomic } from '../results/atomic.js';
import { RECIPE_NAMES, SIZE_NAMES } from '../model/recipes.js';
import { BACKEND_CHOICES } from '../engine/backend-names.js';
import { pretrainCommandRequest } from '../config/pretrain-request.js';
import { BUILTIN_CORPUS } from '../data/builtin-source.js';
import { PRETRAIN_COMMAND_DEFAULTS as COMMAND, TRAINING_DEFAULTS as DEFAULTS } from '../train/defaults.js';
import { runPretraining, type PretrainRequest } from '../train/pretrain-run.js';
import type { PretrainResult } from '../results/summary.js';
import { openPretrainSource } from '../data/default-source.js';
import { UserError } from '../errors.js';
import { checkDevices, launchRanks, mpirunPath, openRank, rankCount } from '../launch/ranks.js';
import { formatSeconds, progressLine, resultLines } from '../train/progress-line.js';
import { handler, reportError } from './common.js';

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
  devices: number;
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
      .option('devices', { type: 'number', default: 1, describe: 'data-parallel ranks, one per device (a share of the cores, or a GPU each), started under Open MPI\'s mpirun; --batch is divided over them' })
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
    const request = pretrainCommandRequest({
      out: a.out, recipe: a.recipe, size: a.size, duration: a.duration, backend: a.backend, seed: a.seed, batch: a.batch, seq: a.seq,
      lr: a.lr, warmup: a.warmup, maskRatio: a['mask-ratio'], corpus: a.corpus, tokenizer: a.tokenizer, evalEvery: a['eval-every'],
      evalBatches: a['eval-batches'], evalSamples: a['eval-samples'], checkpointEvery: a['checkpoint-every'], keepCheckpoints: a['keep-checkpoints'],
      devices: a.devices, ...(a.microbatch !== undefined && { microbatch: a.microbatch }), log: err,
    });
    // A multi-device run: this process starts the ranks (each one runs this same command) and waits for them.
    if (request.devices > 1 && rankCount() === null) return launchPretrainRanks(request, a, err);
    const rank = request.devices > 1 ? openRank(request.backend, request.devices, request.outDir) : null;
    const ctl = new AbortController();
    const onSigint = (): void => {
      err('interrupt: stopping after this step and writing a checkpoint (press Ctrl-C again to kill)');
      ctl.abort();
      process.off('SIGINT', onSigint);
    };
    process.on('SIGINT', onSigint);
    let lastPrint = 0;
    const quiet = rank !== null && rank.rank !== 0; // only rank 0 reports progress
    try {
      const result = await runPretraining(
        request,
        {
          signal: ctl.signal,
          onResume: (e) => {
            for (const s of e.skipped) err(`skipped a damaged checkpoint: ${s}`);
            err(e.finished ? `already finished at step ${e.step} (${e.path})` : `resuming from step ${e.step} (${e.path})`);
          },
          onProgress: (e) => {
            const stop = rank?.stopRequested();
            if (stop && !ctl.signal.aborted) ctl.abort(stop);
            const now = performance.now();
            if (!quiet && (e.step === 1 || e.step === e.totalSteps || now - lastPrint > 2000)) {
              lastPrint = now;
              err(progressLine(e));
            }
          },
          onEval: (e) => quiet || err(`eval at step ${e.step}: loss ${e.loss.toFixed(4)}, accuracy ${(e.accuracy * 100).toFixed(1)}% (15% masking, held-out)`),
          onCheckpoint: (path) => err(`checkpoint ${path}`),
        },
        rank?.collective,
      );
      if (rank?.rank === 0) writeJsonAtomic(join(a.out, 'pretrain-result.json'), result); // the launcher prints it
      if (rank === null) {
        writeJsonAtomic(join(a.out, 'pretrain-result.json'), result);
        process.stdout.write(resultLines(result).join('\n') + `\n(${formatSeconds(result.wallSeconds)} of training; result in ${join(a.out, 'pretrain-result.json')})\n`);
      }
      rank?.end(0);
    } catch (e) {
      if (!rank) throw e;
      const code = reportError(e);
      rank.end(code);
      return code;
    } finally {
      process.off('SIGINT', onSigint);
    }
  }),
};

/** Checks that the run can start on N devices here, prepares its data once, then runs the ranks to their end. */
async function launchPretrainRanks(request: PretrainRequest, a: Args, err: (line: string) => boolean): Promise<number> {
  mpirunPath();
  checkDevices(request.devices, request.backend, `--devices ${request.devices}`);
  await openPretrainSource(request); // tokenizer and token cache built here once, not by N ranks at the same time
  const ctl = new AbortController();
  const onSigint = (): void => ctl.abort();
  process.on('SIGINT', onSigint);
  try {
    const outcome = await launchRanks({ devices: request.devices, args: process.argv.slice(2), outDir: a.out, backend: request.backend, onRankZeroLine: err, log: err, signal: ctl.signal });
    if (outcome.failure) throw new UserError(outcome.failure, outcome.exitCode);
  } finally {
    process.off('SIGINT', onSigint);
  }
  const result = readJson<PretrainResult>(join(a.out, 'pretrain-result.json'));
  process.stdout.write(resultLines(result).join('\n') + `\n(${formatSeconds(result.wallSeconds)} of training on ${result.devices} devices; result in ${join(a.out, 'pretrain-result.json')})\n`);
  return 0;
}
