/**
 * Every pretraining default, in one place: what a sweep's runs get for a key the sweep does not set
 * (src/config/run-config.ts BUILTIN_DEFAULTS is built from this), what `mbench pretrain` gets for a flag not given,
 * and what the loop itself (./pretrain.ts) uses for an option its caller leaves out.
 *
 * The optimisation settings are MosaicBERT's (DESIGN.md "Model features"; mosaicml/examples
 * bert/yamls/main/mosaic-bert-base-uncased.yaml): decoupled AdamW at lr 5e-4 with weight decay 1e-5
 * (betas 0.9/0.98 and eps 1e-6 are kernels/adamw.ts DEFAULT_ADAMW), linear warmup over 6% of the run, then linear
 * decay to 0.02 × the peak. Sizes, backends and the position table come from where they are defined.
 */
import { DEFAULT_ADAMW } from '../../kernels/adamw-config.js';
import { BERT_VOCAB_SIZE } from '../data/vocab-bert.js';
import { DEFAULT_BACKEND } from '../engine/backend-names.js';
import { DEFAULT_MAX_SEQ_LEN, RECIPES } from '../model/recipes.js';
import type { SizeName } from '../model/types.js';

export const TRAINING_DEFAULTS = {
  recipe: 'bert',
  size: 'tiny' as SizeName,
  seed: 1,
  /** Samples per optimizer step (the global batch). */
  batchSize: 32,
  /** Tokens per sample; at most maxSeqLen, the model's position table. */
  seqLen: 128,
  maxSeqLen: DEFAULT_MAX_SEQ_LEN,
  /** bert-base-uncased's vocabulary; any other size is a WordPiece vocabulary trained on the corpus. */
  vocabSize: BERT_VOCAB_SIZE,
  peakLr: 5e-4,
  weightDecay: DEFAULT_ADAMW.weightDecay,
  /** Any duration unit; `dur` is a fraction of the run. */
  warmup: '0.06dur',
  /** LR multiplier reached at the end of the run (Composer's alpha_f). */
  finalLrRatio: 0.02,
  /** Dropout after attention and feed-forward: both recipes keep BERT's. */
  hiddenDropout: RECIPES.bert.features.hiddenDropout,
  /** Global gradient-norm clip (0 disables). */
  clipNorm: 1.0,
  backend: DEFAULT_BACKEND,
  /** `default`: the embedded English corpus (src/data/default-corpus.ts). */
  corpus: 'default',
  /** Periodic evaluation every N steps (0: only the full evaluation at the end and at evalAt points)… */
  evalEvery: 0,
  /** …on this many held-out batches (0: no evaluation at all). */
  evalBatches: 4,
  /** Held-out samples of the full evaluation at the end of a run and at evalAt points: a fixed set, the
   *  first N held-out samples, so that every run of a study is scored on the same text. At seqLen 64 that is
   *  ≈ 26k masked tokens, a standard error of ≤ 0.31 accuracy points (sqrt(p(1−p)/n), p ≤ 0.5). */
  fullEvalSamples: 3072,
  /** Checkpoint every N steps: the most a killed run loses (0: only at the end). */
  checkpointEvery: 50,
  /** Keep the newest N checkpoints (0: all). */
  keepCheckpoints: 3,
} as const;

/** Where `mbench pretrain`, a run a person watches, departs from a sweep's runs. */
export const PRETRAIN_COMMAND_DEFAULTS = {
  recipe: 'mosaic',
  duration: '200ba',
  /** A learning curve on the terminal: a small evaluation every 100 steps. */
  evalEvery: 100,
} as const;
