/**
 * Greedy longest-match-first WordPiece (BERT tokenization.py `WordpieceTokenizer`) over BERT-uncased words,
 * in pure TypeScript. A per-word cache makes repeated words (most of any corpus) a single Map lookup.
 */
import { createHash } from 'node:crypto';
import { UserError } from '../errors.js';
import { ASCII_CLASS, BERT_UNCASED_NORMALIZATION, bertPreTokenize, isPlainAscii } from './bert-normalize.js';
import type { SpecialTokenIds, TokenizerInfo } from './types.js';

export const SPECIAL_TOKENS = { pad: '[PAD]', unk: '[UNK]', cls: '[CLS]', sep: '[SEP]', mask: '[MASK]' } as const;
/** Words longer than this (in UTF-16 units) become [UNK], as in BERT. */
const MAX_WORD_CHARS = 100;
const WORD_CACHE_LIMIT = 500_000;

/** Content hash of a vocabulary and the normalisation it is used with: the tokenizer's identity. */
export function tokenizerId(vocab: readonly string[]): string {
  const h = createHash('sha256');
  h.update(BERT_UNCASED_NORMALIZATION);
  h.update('\n');
  h.update(vocab.join('\n'));
  return h.digest('hex').slice(0, 16);
}

export class WordPieceTokenizer {
  readonly info: TokenizerInfo;
  private readonly ids = new Map<string, number>();
  private readonly cache = new Map<string, readonly number[]>();

  /** `vocab[i]` is the token with id i; continuation pieces start with `##`. */
  constructor(
    readonly vocab: readonly string[],
    readonly name: string,
  ) {
    vocab.forEach((token, i) => {
      if (!this.ids.has(token)) this.ids.set(token, i);
    });
    const special = {} as SpecialTokenIds;
    for (const [key, token] of Object.entries(SPECIAL_TOKENS) as Array<[keyof SpecialTokenIds, string]>) {
      const id = this.ids.get(token);
      if (id === undefined) throw new UserError(`tokenizer '${name}': vocabulary has no ${token} token`);
      special[key] = id;
    }
    this.info = { id: tokenizerId(vocab), name, vocabSize: vocab.length, special };
  }

  get special(): SpecialTokenIds {
    return this.info.special;
  }

  tokenId(token: string): number | undefined {
    return this.ids.get(token);
  }

  /** Token ids of `text`, without [CLS]/[SEP]. */
  encode(text: string): number[] {
    const out: number[] = [];
    if (isPlainAscii(text)) {
      this.encodeAscii(text.toLowerCase(), out);
      return out;
    }
    for (const word of bertPreTokenize(text)) this.pushWord(word, out);
    return out;
  }

  /** The common case without building a word list: scan lowercased ASCII, look each word up in the cache. */
  private encodeAscii(t: string, out: number[]): void {
    let start = -1;
    for (let i = 0; i < t.length; i++) {
      const kind = ASCII_CLASS[t.charCodeAt(i)];
      if (kind === 1) {
        if (start < 0) start = i;
        continue;
      }
      if (start >= 0) {
        this.pushWord(t.slice(start, i), out);
        start = -1;
      }
      if (kind === 2) this.pushWord(t[i]!, out);
    }
    if (start >= 0) this.pushWord(t.slice(start), out);
  }

  private pushWord(word: string, out: number[]): void {
    const pieces = this.encodeWord(word);
    for (let i = 0; i < pieces.length; i++) out.push(pieces[i]!);
  }

  /** Token strings of `text` (for tests and debugging). */
  tokenize(text: string): string[] {
    return this.encode(text).map((id) => this.vocab[id]!);
  }

  decode(ids: readonly number[]): string {
    let s = '';
    for (const id of ids) {
      const t = this.vocab[id] ?? SPECIAL_TOKENS.unk;
      if (t.startsWith('##')) s += t.slice(2);
      else s += (s ? ' ' : '') + t;
    }
    return s;
  }

  private encodeWord(word: string): readonly number[] {
    const hit = this.cache.get(word);
    if (hit) return hit;
    const pieces = this.wordPieces(word);
    if (this.cache.size >= WORD_CACHE_LIMIT) this.cache.clear();
    this.cache.set(word, pieces);
    return pieces;
  }

  private wordPieces(word: string): number[] {
    const unk = [this.info.special.unk];
    if (word.length > MAX_WORD_CHARS) return unk;
    const whole = this.ids.get(word);
    if (whole !== undefined) return [whole];
    const pieces: number[] = [];
    let start = 0;
    while (start < word.length) {
      let end = word.length;
      let found: number | undefined;
      while (start < end) {
        const sub = start > 0 ? '##' + word.slice(start, end) : word.slice(start, end);
        found = this.ids.get(sub);
        if (found !== undefined) break;
        end--;
        // Never split a surrogate pair.
        const code = word.charCodeAt(end);
        if (code >= 0xdc00 && code <= 0xdfff && end > start) end--;
      }
      if (found === undefined) return unk;
      pieces.push(found);
      start = end;
    }
    return pieces;
  }
}
