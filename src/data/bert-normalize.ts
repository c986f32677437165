/**
 * BERT-uncased text normalisation and pre-tokenisation, as in Google's BERT `BasicTokenizer`
 * (tokenization.py): clean control characters, put spaces around CJK ideographs, lowercase, strip accents
 * (NFD then drop combining marks), split on whitespace and punctuation. The output words are what WordPiece sees.
 */

/** ASCII punctuation as BERT defines it (33–47, 58–64, 91–96, 123–126: symbols like `$` and `^` count). */
const ASCII_PUNCT = '\\x21-\\x2f\\x3a-\\x40\\x5b-\\x60\\x7b-\\x7e';
/** CJK Unified Ideographs blocks BERT isolates (tokenization.py `_is_chinese_char`). */
const CJK = '\\u{4e00}-\\u{9fff}\\u{3400}-\\u{4dbf}\\u{20000}-\\u{2a6df}\\u{2a700}-\\u{2b73f}\\u{2b740}-\\u{2b81f}\\u{2b820}-\\u{2ceaf}\\u{f900}-\\u{faff}\\u{2f800}-\\u{2fa1f}';

/** Printable ASCII plus tab/newline/CR: no cleaning, accents or CJK to handle. */
const PLAIN_ASCII = /^[\t\n\r\x20-\x7e]*$/;
const ASCII_WORD = /[a-z0-9]+|[\x21-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e]/g;

/** Control characters BERT deletes (Cc/Cf except tab, newline, CR), NUL and U+FFFD. */
const CONTROL = /[\p{Cc}\p{Cf}\ufffd]/gu;
/** Whitespace BERT maps to a space: tab, newline, CR, Zs. (Done before CONTROL removes \t\n\r.) */
const WHITESPACE = /[\t\n\r\p{Zs}]/gu;
const CJK_CHAR = new RegExp(`([${CJK}])`, 'gu');
const COMBINING_MARK = /\p{Mn}/gu;
/** A punctuation character alone, or a run of anything that is neither punctuation nor a space. */
const WORD = new RegExp(`[\\p{P}${ASCII_PUNCT}]|[^ \\p{P}${ASCII_PUNCT}]+`, 'gu');

/** Character classes of ASCII for the fast path: 0 = separator/dropped, 1 = word character, 2 = punctuation. */
export const ASCII_CLASS: Uint8Array = (() => {
  const c = new Uint8Array(128);
  for (let i = 0; i < 128; i++) {
    const ch = String.fromCharCode(i);
    c[i] = /[a-z0-9A-Z]/.test(ch) ? 1 : /[\x21-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e]/.test(ch) ? 2 : 0;
  }
  return c;
})();

/** True when `text` needs none of the Unicode steps (cleaning, CJK, accents): lowercasing and splitting suffice. */
export function isPlainAscii(text: string): boolean {
  return PLAIN_ASCII.test(text);
}

/** Splits raw text into BERT-uncased words (lowercased, accents stripped, punctuation split off). */
export function bertPreTokenize(text: string): string[] {
  if (PLAIN_ASCII.test(text)) return text.toLowerCase().match(ASCII_WORD) ?? [];
  let t = text.replace(WHITESPACE, ' ').replace(CONTROL, '');
  t = t.replace(CJK_CHAR, ' $1 ');
  t = t.toLowerCase().normalize('NFD').replace(COMBINING_MARK, '');
  return t.match(WORD) ?? [];
}

/** The normalisation settings a tokenizer id hashes, so a change here changes every tokenizer id. */
export const BERT_UNCASED_NORMALIZATION = 'bert-uncased-v1: clean, cjk, lowercase, nfd-strip-mn, punct-split';
