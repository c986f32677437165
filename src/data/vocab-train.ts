/**
 * Trained WordPiece vocabularies of any size ≤ 30005, via Hugging Face's `tokenizers` bindings (Rust).
 * Facts (checked on tokenizers 0.23.2): `Tokenizer.train(files)` trains offline with the default WordPiece
 * trainer, whose vocabulary size is fixed at 30000 (the JS bindings expose no trainer options), and ids follow
 * the order tokens were added (alphabet, then merges by frequency), so a smaller vocabulary is the first N ids.
 * We train once per corpus on its training documents (held-out text excluded), then a vocabulary of size V is
 * the five special tokens followed by the first V − 5 trained tokens.
 */
import { copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, existsSync, createWriteStream } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import type { Corpus } from './corpus.js';
import { DEFAULT_HELD_OUT_FRACTION, isHeldOut } from './split.js';
import { SPECIAL_TOKENS } from './wordpiece.js';

export const TRAINED_VOCAB_SIZE = 30000;
export const SPECIALS_FIRST = [SPECIAL_TOKENS.pad, SPECIAL_TOKENS.unk, SPECIAL_TOKENS.cls, SPECIAL_TOKENS.sep, SPECIAL_TOKENS.mask];
export const MAX_TRAINED_VOCAB = TRAINED_VOCAB_SIZE + SPECIALS_FIRST.length;
const MIN_VOCAB = 64;

/** A vocabulary of `size` from a full trained one: specials, then the first size − 5 trained tokens. */
export function truncateTrainedVocab(trained: readonly string[], size: number): string[] {
  if (!Number.isInteger(size) || size < MIN_VOCAB || size > trained.length + SPECIALS_FIRST.length) {
    throw new UserError(
      `vocabulary size ${size} is out of range for a trained WordPiece vocabulary: use ${MIN_VOCAB}…${trained.length + SPECIALS_FIRST.length} (or 'bert-base-uncased' for 30522)`,
    );
  }
  return [...SPECIALS_FIRST, ...trained.slice(0, size - SPECIALS_FIRST.length)];
}

/**
 * Trains (or reuses) the 30000-token WordPiece vocabulary of `corpus`, saved as `<dir>/trained.txt`. With
 * `shipped`, a list that ships with mbench for this corpus (src/data/vocabularies/), that list is used instead
 * of training: Hugging Face's trainer breaks ties differently from one process to the next, so every fresh
 * clone trained a slightly different vocabulary of the same corpus and the default study's numbers moved with it.
 */
export async function trainedVocab(
  corpus: Corpus,
  dir: string,
  opts: { heldOutFraction?: number; log?: (line: string) => void; shipped?: string } = {},
): Promise<string[]> {
  const file = join(dir, 'trained.txt');
  const read = (f: string) => readFileSync(f, 'utf8').split('\n').filter((t) => t.length > 0);
  if (existsSync(file)) return read(file);
  mkdirSync(dir, { recursive: true });
  if (opts.shipped && existsSync(opts.shipped)) {
    copyFileSync(opts.shipped, `${file}.tmp`);
    renameSync(`${file}.tmp`, file);
    return read(file);
  }
  const tmp = join(dir, `train-input.tmp-${process.pid}.txt`);
  try {
    // The trainer reads files: write the training documents, one per line.
    const out = createWriteStream(tmp);
    let docs = 0;
    for await (const text of corpus.documents()) {
      if (isHeldOut(text, opts.heldOutFraction ?? DEFAULT_HELD_OUT_FRACTION)) continue;
      if (!out.write(text.replace(/[\r\n]+/g, ' ') + '\n')) await new Promise<void>((r) => out.once('drain', () => r()));
      docs++;
    }
    await new Promise<void>((res, rej) => out.end((e?: Error | null) => (e ? rej(e) : res())));
    if (docs === 0) throw new UserError(`corpus '${corpus.name}' has no training documents to train a vocabulary on`);
    opts.log?.(`training a WordPiece vocabulary on ${docs} documents (Hugging Face tokenizers)…`);
    const hf = createRequire(import.meta.url)('tokenizers') as typeof import('tokenizers');
    const tok = new hf.Tokenizer(hf.WordPiece.empty());
    tok.setNormalizer(hf.bertNormalizer());
    tok.setPreTokenizer(hf.bertPreTokenizer());
    tok.train([tmp]);
    const byId = Object.entries(tok.getVocab(false)).sort((a, b) => a[1] - b[1]);
    const vocab = byId.map(([t]) => t).filter((t) => !(SPECIALS_FIRST as string[]).includes(t));
    writeFileSync(`${file}.tmp`, vocab.join('\n') + '\n');
    renameSync(`${file}.tmp`, file);
    return vocab;
  } finally {
    rmSync(tmp, { force: true });
  }
}
