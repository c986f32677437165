/**
 * The tokenizer of a checkpoint as Hugging Face BertTokenizer files: vocab.txt (one token per line in id
 * order), tokenizer_config.json and special_tokens_map.json. The vocabulary is found by the id the
 * checkpoint stores:
 *   - bert-base-uncased (src/data/vocab-bert.ts) or a trained WordPiece vocabulary from the tokenizer store
 *     (src/data/tokenizers.ts, under the cache folder) — mbench tokenizes like BertTokenizer with
 *     do_lower_case (lowercase, accents stripped, punctuation split: BERT_UNCASED_NORMALIZATION);
 *   - the built-in text's word-level tokenizer (`--corpus builtin`), rebuilt from that text. BertTokenizer
 *     reads its vocab.txt too, but splits words at apostrophes where mbench did not ("miller's"), so those words
 *     become [UNK]: the card says so.
 */
import { UserError } from '../errors.js';
import type { SpecialTokenIds } from '../data/types.js';
import { tokenizerById } from '../data/tokenizers.js';
import { vocabTxt } from '../data/vocab-bert.js';
import { builtinSentences } from '../data/builtin-source.js';
import { WordTokenizer } from '../data/text-source.js';
import type { OutputFile } from './output-dir.js';

export interface ExportVocabulary {
  /** Human-readable name: bert-base-uncased, wordpiece-8192-default, builtin word-level. */
  name: string;
  kind: 'wordpiece' | 'word';
  /** tokens[i] is the token with id i. */
  tokens: readonly string[];
  special: SpecialTokenIds;
}

/** The vocabulary with content id `id` (as checkpoints store it); UserError naming `source` when unknown. */
export function vocabularyById(id: string, cacheRoot: string, source: string): ExportVocabulary {
  if (id.startsWith('word-')) {
    const builtin = WordTokenizer.fromTexts(builtinSentences());
    if (builtin.id !== id) {
      throw new UserError(`${source} was made with word-level tokenizer ${id}, which is not the built-in text's (${builtin.id}); its vocabulary is not stored anywhere, so it cannot be exported`);
    }
    return { name: 'builtin word-level', kind: 'word', tokens: builtin.vocab, special: builtin.special };
  }
  const tok = tokenizerById(id, cacheRoot, source);
  return { name: tok.name, kind: 'wordpiece', tokens: tok.vocab, special: tok.special };
}

const SPECIAL_NAMES = { unk: 'unk_token', sep: 'sep_token', pad: 'pad_token', cls: 'cls_token', mask: 'mask_token' } as const;

/** vocab.txt, tokenizer_config.json and special_tokens_map.json. */
export function tokenizerFiles(v: ExportVocabulary, modelMaxLength: number): OutputFile[] {
  const specials: Record<string, string> = {};
  for (const [key, hfName] of Object.entries(SPECIAL_NAMES) as Array<[keyof SpecialTokenIds, string]>) {
    const token = v.tokens[v.special[key]];
    if (token === undefined) throw new Error(`special token id ${v.special[key]} (${key}) is outside the vocabulary`);
    specials[hfName] = token;
  }
  const config = {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    do_basic_tokenize: true,
    tokenize_chinese_chars: true,
    strip_accents: null, // with do_lower_case: strip them, as BERT uncased (and mbench) does
    model_max_length: modelMaxLength,
    clean_up_tokenization_spaces: true,
    ...specials,
  };
  return [
    { name: 'vocab.txt', data: vocabTxt(v.tokens) },
    { name: 'tokenizer_config.json', data: JSON.stringify(config, null, 2) + '\n' },
    { name: 'special_tokens_map.json', data: JSON.stringify(specials, null, 2) + '\n' },
  ];
}
