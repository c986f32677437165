/**
 * The data stage's contract with training and fine-tuning. Owned by src/data; change additively and say so.
 */
export interface SpecialTokenIds {
  pad: number;
  unk: number;
  cls: number;
  sep: number;
  mask: number;
}

export interface TokenizerInfo {
  /** Content hash of the vocabulary and normalisation settings; stored in every checkpoint. */
  id: string;
  /** Human-readable name, e.g. `bert-base-uncased` or `wordpiece-8192-default` (added by the data stage). */
  name?: string;
  vocabSize: number;
  special: SpecialTokenIds;
}

/** Where a pretraining data stream is: enough to resume exactly after a crash. JSON-serialisable. */
export interface DataCursor {
  epoch: number;
  /** Index into the epoch's shuffled order. */
  position: number;
  seed: number;
}

/** Deterministic stream of pretraining samples: documents truncated to seqLen and padded (not packed). */
export interface PretrainSource {
  readonly tokenizer: TokenizerInfo;
  /** Number of training samples (documents/paragraphs) in one epoch. */
  readonly samplesPerEpoch: number;
  /** Fills [batchSize, seqLen] ids ([CLS] … [SEP] then pads) and the attention mask, starting at `cursor`;
   *  returns the cursor after the batch. Same cursor → same batch. */
  batch(cursor: DataCursor, batchSize: number, seqLen: number): { inputIds: Int32Array; attentionMask: Uint8Array; next: DataCursor };
  /** Held-out samples for MLM evaluation (never seen in training), deterministic. */
  evalBatches(batchSize: number, seqLen: number, maxBatches: number): Array<{ inputIds: Int32Array; attentionMask: Uint8Array }>;
}
