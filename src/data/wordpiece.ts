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

function sameChars(word: string, t: string, start: number): boolean {
  for (let k = 0; k < word.length; k++) if (word.charCodeAt(k) !== t.charCodeAt(start + k)) return false;
  return true;
}

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

  /**
   * The common case without building a word list or slicing strings: scan lowercased ASCII, hash each word as it
   * is scanned, and look it up in an open-addressing table (verified char by char against the stored word).
   */
  private encodeAscii(t: string, out: number[]): void {
    let start = -1;
    let h = 0;
    for (let i = 0; i < t.length; i++) {
      const code = t.charCodeAt(i);
      const kind = ASCII_CLASS[code];
      if (kind === 1) {
        if (start < 0) {
          start = i;
          h = 0x811c9dc5;
        }
        h = Math.imul(h ^ code, 0x01000193);
        continue;
      }
      if (start >= 0) {
        this.pushPieces(this.asciiWord(t, start, i, h), out);
        start = -1;
      }
      if (kind === 2) this.pushPieces(this.asciiWord(t, i, i + 1, Math.imul(0x811c9dc5 ^ code, 0x01000193)), out);
    }
    if (start >= 0) this.pushPieces(this.asciiWord(t, start, t.length, h), out);
  }

  private table = new Int32Array(1 << 16);
  private tableWords: string[] = [];
  private tableHashes: number[] = [];
  private tablePieces: Array<readonly number[]> = [];

  /** Pieces of t[start, end) whose FNV-1a hash is h, from the table or computed and inserted. */
  private asciiWord(t: string, start: number, end: number, h: number): readonly number[] {
    const mask = this.table.length - 1;
    const len = end - start;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const e = this.table[slot]!;
      if (e === 0) break;
      const w = this.tableWords[e - 1]!;
      if (this.tableHashes[e - 1] === h && w.length === len && sameChars(w, t, start)) return this.tablePieces[e - 1]!;
    }
    const word = t.slice(start, end);
    const pieces = this.wordPieces(word);
    if (this.tableWords.length >= WORD_CACHE_LIMIT) this.resetTable();
    if ((this.tableWords.length + 1) * 2 > this.table.length) this.growTable();
    this.tableWords.push(word);
    this.tableHashes.push(h);
    this.tablePieces.push(pieces);
    this.insertSlot(h, this.tableWords.length);
    return pieces;
  }

  private insertSlot(h: number, entry: number): void {
    const mask = this.table.length - 1;
    let slot = h & mask;
    while (this.table[slot] !== 0) slot = (slot + 1) & mask;
    this.table[slot] = entry;
  }

  private growTable(): void {
    this.table = new Int32Array(this.table.length * 2);
    for (let i = 0; i < this.tableHashes.length; i++) this.insertSlot(this.tableHashes[i]!, i + 1);
  }

  private resetTable(): void {
    this.table = new Int32Array(1 << 16);
    this.tableWords = [];
    this.tableHashes = [];
    this.tablePieces = [];
  }

  private pushPieces(pieces: readonly number[], out: number[]): void {
    for (let i = 0; i < pieces.length; i++) out.push(pieces[i]!);
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
