/**
 * Data every run of a sweep shares — trained tokenizers and token caches — is prepared once by the sweep
 * process before any run starts. Hugging Face's WordPiece trainer is not deterministic (its tie-breaking
 * varies between processes), so runs that each trained their own `wordpiece-N` could end up with different
 * vocabularies inside one study. Prepared first, every run finds the one cached vocabulary.
 */
import { pretrainDataOf } from '../config/pretrain-request.js';
import type { RunSpec } from '../config/run-spec.js';
import { BUILTIN_CORPUS } from '../data/builtin-source.js';

/** The distinct (corpus, tokenizer) pairs the real runs of a sweep need (the built-in text needs none). */
export function sharedDataOf(specs: readonly RunSpec[]): Array<{ corpus: string[]; tokenizer?: string }> {
  const seen = new Map<string, { corpus: string[]; tokenizer?: string }>();
  for (const spec of specs) {
    if (spec.runner !== 'train' || spec.config.corpus === BUILTIN_CORPUS) continue;
    const data = pretrainDataOf(spec.config);
    seen.set(`${spec.config.corpus}\0${data.tokenizer ?? ''}`, data);
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
