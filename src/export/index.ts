/**
 * `mbench export`: a pretraining checkpoint as a folder another toolkit loads. One format so far, `hf`
 * (Hugging Face): model.safetensors, config.json, vocab.txt, tokenizer_config.json, special_tokens_map.json and
 * a model card README.md, in the layout the model's features fit (layouts.ts; docs/export.md). No tfjs: the
 * weights are moved and transposed in JS.
 *
 *   1. check the format and --out before reading anything large;
 *   2. find and verify the checkpoint (find-checkpoint.ts);
 *   3. build every file in memory: tensors by layout, config, tokenizer files, the card;
 *   4. write them as one folder, all or nothing (output-dir.ts).
 */
import { checkName, UserError } from '../errors.js';
import { defaultCacheRoot } from '../data/default-source.js';
import { paddedVocabSize } from '../model/recipes.js';
import { CheckpointWeights } from './checkpoint-weights.js';
import { findCheckpoint, type FoundCheckpoint } from './find-checkpoint.js';
import { chooseLayout } from './layouts.js';
import { modelCard } from './model-card.js';
import { checkOutputDir, writeOutputDir, type OutputFile } from './output-dir.js';
import { runFacts } from './run-record.js';
import { encodeSafetensors } from './safetensors.js';
import { tokenizerFiles, vocabularyById } from './tokenizer-files.js';

export const EXPORT_FORMATS = ['hf'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions {
  format: string;
  outDir: string;
  /** Where trained tokenizers are stored (default: $MBENCH_CACHE_DIR or results/.cache). */
  cacheRoot?: string;
  /** Notes that do not stop the export (skipped corrupt checkpoints, unreadable run records). */
  warn?: (line: string) => void;
}

export interface ExportResult {
  checkpoint: string;
  step: number;
  layout: string;
  loader: string;
  files: string[];
  tensors: number;
  parameters: number;
}

export interface BuiltExport {
  files: OutputFile[];
  layout: string;
  loader: string;
  tensors: number;
  parameters: number;
}

/** Step 3: every file of the `hf` export of a verified checkpoint, in memory. */
export function buildHfExport(found: FoundCheckpoint, cacheRoot: string, warn: (line: string) => void = () => {}): BuiltExport {
  const { header, path } = found;
  const c = header.model;
  const layout = chooseLayout(c, header.recipe, path);
  const weights = new CheckpointWeights(found.arrays, path);
  const tensors = layout.tensors(c, weights);
  const left = weights.untaken();
  if (left.length > 0) {
    throw new UserError(`${path}: weights ${left.join(', ')} have no place in the ${layout.name} layout; this mbench cannot export recipe '${header.recipe}'`);
  }
  const vocab = vocabularyById(header.tokenizerId, cacheRoot, path);
  if (vocab.tokens.length !== c.vocabSize) {
    throw new UserError(`${path}: the model's vocabulary has ${c.vocabSize} tokens but tokenizer ${vocab.name} has ${vocab.tokens.length}`);
  }
  const metadata = {
    format: 'pt', // transformers refuses safetensors files without a framework tag
    mbench_version: header.mbenchVersion,
    mbench_recipe: header.recipe,
    mbench_layout: layout.name,
    mbench_step: String(header.step),
    mbench_checkpoint_sha256: header.blobSha256,
  };
  const facts = runFacts(header, path, found.runDir, warn);
  const card = modelCard({
    ...facts,
    layout: layout.name,
    loader: layout.loader,
    recipe: header.recipe,
    features: { positions: c.positions, feedForward: c.feedForward, unpad: c.unpad, attentionDropout: c.attentionDropout, hiddenDropout: c.hiddenDropout, vocabMultiple: c.vocabMultiple },
    size: c.size,
    layers: c.layers,
    hidden: c.hidden,
    heads: c.heads,
    intermediate: c.intermediate,
    maxSeqLen: c.maxSeqLen,
    parameters: weights.parameterCount(),
    tokenizer: { name: vocab.name, kind: vocab.kind, size: vocab.tokens.length },
    vocabRows: paddedVocabSize(c),
    step: header.step,
    totalSteps: header.totalSteps,
    finished: header.finished,
    mbenchVersion: header.mbenchVersion,
  });
  const files: OutputFile[] = [
    { name: 'model.safetensors', data: encodeSafetensors(tensors, metadata) },
    { name: 'config.json', data: JSON.stringify(layout.config(c, vocab.special), null, 2) + '\n' },
    ...tokenizerFiles(vocab, c.maxSeqLen),
    { name: 'README.md', data: card },
  ];
  return { files, layout: layout.name, loader: layout.loader, tensors: tensors.length, parameters: weights.parameterCount() };
}

/** `mbench export CHECKPOINT --format F --out DIR`: steps 1–4. */
export function exportCheckpoint(checkpoint: string, o: ExportOptions): ExportResult {
  const warn = o.warn ?? (() => {});
  checkName('export format (--format)', o.format, EXPORT_FORMATS);
  checkOutputDir(o.outDir);
  const found = findCheckpoint(checkpoint);
  for (const s of found.skipped) warn(`skipped a checkpoint that does not verify: ${s}`);
  const built = buildHfExport(found, o.cacheRoot ?? defaultCacheRoot(), warn);
  const files = writeOutputDir(o.outDir, built.files);
  return { checkpoint: found.path, step: found.header.step, layout: built.layout, loader: built.loader, files, tensors: built.tensors, parameters: built.parameters };
}

