/**
 * Tokenizers by name, and by id for checkpoints.
 * Names: `bert-base-uncased` (the real 30522-token vocabulary) or `wordpiece-<size>` (trained on the corpus,
 * see vocab-train.ts). Every tokenizer built is saved under `<cacheRoot>/tokenizers/<id>/vocab.txt`, so a
 * checkpoint that stores only TokenizerInfo can get its exact tokenizer back (`tokenizerById`), and
 * `checkTokenizer` refuses a checkpoint whose tokenizer differs from the one in use.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { repoRoot } from '../version.js';
import type { Corpus } from './corpus.js';
import type { TokenizerInfo } from './types.js';
import { BERT_BASE_UNCASED, BERT_VOCAB_SIZE, bertBaseUncasedVocab, vocabTxt } from './vocab-bert.js';
import { trainedVocab, truncateTrainedVocab } from './vocab-train.js';
import { WordPieceTokenizer } from './wordpiece.js';

export const DEFAULT_TOKENIZER = BERT_BASE_UNCASED;

/**
 * Where mbench ships the trained list of a corpus whose training key is `key` (the embedded default corpus's,
 * so every clone of the quickstart gets the same vocabulary; vocab-train.ts says why). Refresh it after a change
 * of the default corpus's packages or extraction by copying `<cache>/tokenizers/trained-<key>/trained.txt` here.
 */
export function shippedVocabPath(key: string): string {
  return join(repoRoot, 'src/data/vocabularies', `trained-${key}.txt`);
}

/** The cache key of a corpus's trained vocabulary (`trained-<key>` under the tokenizer store). */
export function trainedVocabKey(corpus: Pick<Corpus, 'fingerprint'>): string {
  return createHash('sha256').update(`trained-wordpiece-v1\n${corpus.fingerprint}`).digest('hex').slice(0, 12);
}
const TRAINED = /^wordpiece-(\d+)$/;

export function tokenizerStoreDir(cacheRoot: string): string {
  return join(cacheRoot, 'tokenizers');
}

/** Checks a tokenizer name without building it. */
export function parseTokenizerName(name: string): { kind: 'bert' } | { kind: 'trained'; size: number } {
  if (name === BERT_BASE_UNCASED) return { kind: 'bert' };
  const m = TRAINED.exec(name);
  if (m) return { kind: 'trained', size: Number(m[1]) };
  throw new UserError(`unknown tokenizer '${name}': use '${BERT_BASE_UNCASED}' or 'wordpiece-<size>' (e.g. wordpiece-8192)`);
}

/**
 * A run's `vocabSize` names its tokenizer: bert-base-uncased's 30522 is the default tokenizer (undefined here);
 * any other size is a WordPiece vocabulary of that size trained on the run's corpus.
 */
export function tokenizerOfVocabSize(vocabSize: number): string | undefined {
  return vocabSize === BERT_VOCAB_SIZE ? undefined : `wordpiece-${vocabSize}`;
}

/** The inverse: the vocabulary size a tokenizer name stands for (`--tokenizer wordpiece-4096` is 4096). */
export function vocabSizeOfTokenizer(name: string): number {
  const t = parseTokenizerName(name);
  if (t.kind === 'trained' && t.size === BERT_VOCAB_SIZE) throw new UserError(`tokenizer '${name}': a vocabulary of ${BERT_VOCAB_SIZE} is '${BERT_BASE_UNCASED}'; a trained one must be smaller`);
  return t.kind === 'bert' ? BERT_VOCAB_SIZE : t.size;
}

/** Builds the named tokenizer (training a vocabulary on `corpus` when needed) and records it by id. */
export async function loadTokenizer(
  name: string,
  opts: { corpus?: Corpus; cacheRoot: string; log?: (line: string) => void },
): Promise<WordPieceTokenizer> {
  const parsed = parseTokenizerName(name);
  let tok: WordPieceTokenizer;
  if (parsed.kind === 'bert') tok = new WordPieceTokenizer(bertBaseUncasedVocab(), BERT_BASE_UNCASED);
  else {
    if (!opts.corpus) throw new UserError(`tokenizer '${name}' is trained on a corpus: give one`);
    const key = trainedVocabKey(opts.corpus);
    const trained = await trainedVocab(opts.corpus, join(tokenizerStoreDir(opts.cacheRoot), `trained-${key}`), { log: opts.log, shipped: shippedVocabPath(key) });
    tok = new WordPieceTokenizer(truncateTrainedVocab(trained, parsed.size), `${name}-${opts.corpus.name}`);
  }
  saveTokenizer(tok, opts.cacheRoot);
  return tok;
}

export function saveTokenizer(tok: WordPieceTokenizer, cacheRoot: string): void {
  const dir = join(tokenizerStoreDir(cacheRoot), tok.info.id);
  if (existsSync(join(dir, 'vocab.txt'))) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'info.json.tmp'), JSON.stringify(tok.info, null, 2) + '\n');
  writeFileSync(join(dir, 'vocab.txt.tmp'), vocabTxt(tok.vocab));
  renameSync(join(dir, 'info.json.tmp'), join(dir, 'info.json'));
  renameSync(join(dir, 'vocab.txt.tmp'), join(dir, 'vocab.txt'));
}

/** The tokenizer with content hash `id` (as stored in checkpoints), from the store or bert-base-uncased. */
export function tokenizerById(id: string, cacheRoot: string, where = 'the checkpoint'): WordPieceTokenizer {
  const bert = new WordPieceTokenizer(bertBaseUncasedVocab(), BERT_BASE_UNCASED);
  if (id === bert.info.id) return bert;
  const dir = join(tokenizerStoreDir(cacheRoot), id);
  if (!existsSync(join(dir, 'info.json'))) {
    throw new UserError(`${where} was made with tokenizer ${id}, which is not in ${tokenizerStoreDir(cacheRoot)}: run 'mbench data prepare' with the corpus and --tokenizer it was trained with`);
  }
  return tokenizerFor(JSON.parse(readFileSync(join(dir, 'info.json'), 'utf8')) as TokenizerInfo, cacheRoot);
}

/** The tokenizer a checkpoint was trained with, from its TokenizerInfo. */
export function tokenizerFor(info: TokenizerInfo, cacheRoot: string): WordPieceTokenizer {
  const bert = new WordPieceTokenizer(bertBaseUncasedVocab(), BERT_BASE_UNCASED);
  if (info.id === bert.info.id) return bert;
  const file = join(tokenizerStoreDir(cacheRoot), info.id, 'vocab.txt');
  if (!existsSync(file)) {
    throw new UserError(`tokenizer ${info.name ?? ''} (id ${info.id}) is not in ${tokenizerStoreDir(cacheRoot)}: run 'mbench data prepare --tokenizer ${info.name ?? '…'}' with the corpus it was trained on`);
  }
  const vocab = readFileSync(file, 'utf8').split('\n');
  if (vocab[vocab.length - 1] === '') vocab.pop();
  const tok = new WordPieceTokenizer(vocab, info.name ?? info.id);
  checkTokenizer(info, tok.info, file);
  return tok;
}

/** Refuses to pair a checkpoint (or cache) with a tokenizer other than the one it was made with. */
export function checkTokenizer(expected: TokenizerInfo, actual: TokenizerInfo, where: string): void {
  if (expected.id !== actual.id || expected.vocabSize !== actual.vocabSize) {
    throw new UserError(
      `${where} was made with tokenizer ${expected.name ?? ''} (id ${expected.id}, ${expected.vocabSize} tokens) but tokenizer ` +
        `${actual.name ?? ''} (id ${actual.id}, ${actual.vocabSize} tokens) is in use: use the same tokenizer`,
    );
  }
}
