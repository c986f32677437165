import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { defaultSourceDocuments } from '../../src/data/default-corpus.js';
import { BERT_VOCAB_SIZE, bertBaseUncasedVocab, vocabTxt } from '../../src/data/vocab-bert.js';
import { WordPieceTokenizer } from '../../src/data/wordpiece.js';

const vocab = bertBaseUncasedVocab();
const tok = new WordPieceTokenizer(vocab, 'bert-base-uncased');

test('derived bert-base-uncased vocab.txt has 30522 entries and the md5 of the original', () => {
  assert.equal(vocab.length, BERT_VOCAB_SIZE);
  assert.equal(createHash('md5').update(vocabTxt(vocab)).digest('hex'), '64800d5d8528ce344256daf115d4965e');
  assert.deepEqual(tok.info.special, { pad: 0, unk: 100, cls: 101, sep: 102, mask: 103 });
});

test('known strings encode to bert-base-uncased ids', () => {
  assert.deepEqual(tok.encode('Hello, world!'), [7592, 1010, 2088, 999]);
  assert.deepEqual(tok.encode('The quick brown fox jumped over the lazy dog.'), [1996, 4248, 2829, 4419, 5598, 2058, 1996, 13971, 3899, 1012]);
  assert.deepEqual(tok.tokenize('unaffable'), ['una', '##ffa', '##ble']);
  assert.deepEqual(tok.tokenize("Don't PANIC"), ['don', "'", 't', 'panic']);
  // accents stripped, CJK ideographs split one per token, unknown characters → [UNK]
  assert.deepEqual(tok.tokenize('Héllo naïve café'), ['hello', 'naive', 'cafe']);
  assert.deepEqual(tok.encode('中文字'), [1746, 1861, 100]);
  assert.deepEqual(tok.tokenize('x'.repeat(101)), ['[UNK]']);
});

test('tokenizer id is a content hash: a changed vocabulary changes it', () => {
  const other = new WordPieceTokenizer([...vocab.slice(0, -1), 'zzzz-new'], 'edited');
  assert.notEqual(other.info.id, tok.info.id);
  assert.equal(new WordPieceTokenizer(vocab, 'same').info.id, tok.info.id);
});

test('pure-TS WordPiece agrees with Hugging Face tokenizers (Rust) on mixed text', async () => {
  const hf = createRequire(import.meta.url)('tokenizers') as typeof import('tokenizers');
  const rust = new hf.Tokenizer(hf.WordPiece.init(Object.fromEntries(vocab.map((t, i) => [t, i])), { unkToken: '[UNK]' }));
  rust.setNormalizer(hf.bertNormalizer());
  rust.setPreTokenizer(hf.bertPreTokenizer());
  const samples = [
    'Fellow-Citizens of the Senate: In meeting you again I feel much satisfaction (1790).',
    'Call me Ishmael. Some years ago—never mind how long precisely—having little or no money…',
    'İstanbul ﬁne Ǆ émigré Ångström façade coöperate',
    'emoji 😀 test, tabs\tand\nnewlines\r\n, nbsp\u00a0here, zero\u200bwidth',
    '$5.99 @ store #1 ~~ ^_^ {json: [1,2]} `code` \\ back|slash',
    'Ελληνικά кириллица العربية 中文 日本語 한국어',
    'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  ];
  for (const s of samples) {
    const expected = (await rust.encode(s, null, { addSpecialTokens: false })).getIds();
    assert.deepEqual(tok.encode(s), expected, s);
  }
});

test('the ASCII fast path (hashed word table, grown past its first size) agrees with Hugging Face on corpus text', async () => {
  const hf = createRequire(import.meta.url)('tokenizers') as typeof import('tokenizers');
  const rust = new hf.Tokenizer(hf.WordPiece.init(Object.fromEntries(vocab.map((t, i) => [t, i])), { unkToken: '[UNK]' }));
  rust.setNormalizer(hf.bertNormalizer());
  rust.setPreTokenizer(hf.bertPreTokenizer());
  const fresh = new WordPieceTokenizer(vocab, 'fresh');
  const brown = defaultSourceDocuments('brown');
  const docs = Array.from({ length: 40 }, () => brown.next().value as string);
  // 33,000 distinct made-up words make the table grow; then the corpus text reuses it.
  docs.unshift(Array.from({ length: 33000 }, (_, i) => `q${i.toString(36)}`).join(' '));
  for (const d of docs) {
    assert.match(d, /^[\x20-\x7e]*$/);
    assert.deepEqual(fresh.encode(d), (await rust.encode(d, null, { addSpecialTokens: false })).getIds(), d.slice(0, 80));
  }
});
