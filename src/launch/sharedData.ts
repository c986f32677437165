/**
 * Data every run of a sweep shares — trained tokenizers and token caches — is prepared once by the sweep
 * process before any run starts. Hugging Face's WordPiece trainer is not deterministic (its tie-breaking
 * varies between processes), so runs that each trained their own `wordpiece-N` could end up with different
 * vocabularies inside one study. Prepared first, every run finds the one cached vocabulary.
 */
import type { RunSpec } from '../config/runSpec.js';

const BERT_BASE_VOCAB_SIZE = 30522;
/** The built-in corpus (src/train/pretrain-run.ts BUILTIN_CORPUS) has its own word-level tokenizer. */
const BUILTIN = 'builtin';

/**
 * The sweep's `vocabSize` picks the tokenizer: 30522 is bert-base-uncased's real vocabulary; any other size is a
 * WordPiece vocabulary of that size trained on the run's corpus (src/data/tokenizers.ts).
 */
export function tokenizerFor(vocabSize: unknown, corpus: string): { tokenizer?: string } {
  if (corpus === BUILTIN || vocabSize === undefined || Number(vocabSize) === BERT_BASE_VOCAB_SIZE) return {};
  return { tokenizer: `wordpiece-${Number(vocabSize)}` };
}

/** The distinct (corpus, tokenizer) pairs the real runs of a sweep need. */
export function sharedDataOf(specs: readonly RunSpec[]): Array<{ corpus: string[]; tokenizer?: string }> {
  const seen = new Map<string, { corpus: string[]; tokenizer?: string }>();
  for (const spec of specs) {
    const corpus = String(spec.config.corpus);
    if (spec.runner !== 'train' || corpus === BUILTIN) continue;
    const t = tokenizerFor(spec.config.vocabSize, corpus);
    seen.set(`${corpus}\0${t.tokenizer ?? ''}`, { corpus: corpus === 'default' ? [] : [corpus], ...t });
  }
  return [...seen.values()];
}

/** Builds each shared tokenizer and token cache (a no-op when cached). */
export async function prepareSharedData(specs: readonly RunSpec[], log: (line: string) => void): Promise<void> {
  const needed = sharedDataOf(specs);
  if (needed.length === 0) return;
  const { prepareData } = await import('../data/default-source.js');
  for (const d of needed) await prepareData({ ...d, log });
}
