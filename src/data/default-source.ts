/**
 * One call from "nothing" to a ready PretrainSource: the corpus (the embedded default unless files are given),
 * the tokenizer, and the token cache (built on first use, reused after). This is what `mbench data prepare`,
 * `mbench pretrain` and the sweep runner call; `openPretrainSource` also knows the built-in text.
 */
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { BUILTIN_CORPUS, builtinSource } from './builtin-source.js';
import type { Corpus } from './corpus.js';
import { fileCorpus } from './corpus.js';
import { defaultCorpus } from './default-corpus.js';
import { CachedPretrainSource } from './pretrain-source.js';
import { DEFAULT_HELD_OUT_FRACTION } from './split.js';
import type { BuildProgress, TokenCache } from './token-cache.js';
import { ensureTokenCache } from './token-cache.js';
import { DEFAULT_TOKENIZER, loadTokenizer } from './tokenizers.js';
import type { PretrainSource } from './types.js';
import type { WordPieceTokenizer } from './wordpiece.js';

/** Where caches live unless told otherwise: `$MBENCH_CACHE_DIR`, else `results/.cache` under the working directory. */
export function defaultCacheRoot(): string {
  return process.env.MBENCH_CACHE_DIR ?? join(process.cwd(), 'results', '.cache');
}

export interface DataOptions {
  /** Corpus files/folders (C4 JSON lines, plain text); empty or absent = the embedded default corpus. */
  corpus?: readonly string[];
  /** `bert-base-uncased` (default) or `wordpiece-<size>`. */
  tokenizer?: string;
  cacheRoot?: string;
  heldOutFraction?: number;
  onProgress?: (p: BuildProgress) => void;
  log?: (line: string) => void;
}

export interface PreparedData {
  corpus: Corpus;
  tokenizer: WordPieceTokenizer;
  cache: TokenCache;
  source: CachedPretrainSource;
}

export function corpusFromPaths(paths: readonly string[] | undefined): Corpus {
  return paths && paths.length > 0 ? fileCorpus(paths) : defaultCorpus();
}

export async function prepareData(opts: DataOptions = {}): Promise<PreparedData> {
  const cacheRoot = opts.cacheRoot ?? defaultCacheRoot();
  const corpus = corpusFromPaths(opts.corpus);
  const tokenizer = await loadTokenizer(opts.tokenizer ?? DEFAULT_TOKENIZER, { corpus, cacheRoot, log: opts.log });
  const cache = await ensureTokenCache(corpus, tokenizer, join(cacheRoot, 'tokens'), {
    heldOutFraction: opts.heldOutFraction ?? DEFAULT_HELD_OUT_FRACTION,
    onProgress: opts.onProgress,
  });
  return { corpus, tokenizer, cache, source: new CachedPretrainSource(cache) };
}

/** The default PretrainSource: embedded corpus, bert-base-uncased, cached under results/.cache. */
export async function defaultPretrainSource(opts: DataOptions = {}): Promise<CachedPretrainSource> {
  return (await prepareData(opts)).source;
}

/** The source a pretraining run reads: the built-in text when `corpus` is [BUILTIN_CORPUS], else prepareData's. */
export async function openPretrainSource(opts: Pick<DataOptions, 'corpus' | 'tokenizer' | 'cacheRoot' | 'log'>): Promise<PretrainSource> {
  if (opts.corpus?.length === 1 && opts.corpus[0] === BUILTIN_CORPUS) {
    if (opts.tokenizer !== undefined) throw new UserError(`--tokenizer cannot be used with --corpus ${BUILTIN_CORPUS} (it has its own word-level tokenizer)`);
    return builtinSource();
  }
  return (await prepareData(opts)).source;
}
