/**
 * Corpora: where pretraining text comes from. A corpus is a named, fingerprinted stream of documents
 * (strings); the fingerprint changes when the text may have changed, so the token cache knows to rebuild.
 *
 * Readers: C4-format JSON lines (`{"text": …}` per line, plain or gzip, any number of shards) and plain text
 * (paragraphs separated by blank lines), given as files or folders. The embedded default lives in default-corpus.ts.
 */
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { BadFileError, UserError } from '../errors.js';

export interface Corpus {
  /** Short name for messages and cache paths, e.g. `default` or `c4-en`. */
  readonly name: string;
  /** Changes whenever the documents may change (paths, sizes, mtimes, extraction version). */
  readonly fingerprint: string;
  /** The documents, in a fixed order. */
  documents(): AsyncIterable<string>;
}

const JSONL = /\.(jsonl?|ndjson)(\.gz)?$/i;
const TEXT = /\.(txt|text|md)(\.gz)?$/i;

/** The files a list of paths (files or folders, searched recursively) names, sorted within each folder. */
export function corpusFiles(paths: readonly string[]): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (JSONL.test(entry.name) || TEXT.test(entry.name)) files.push(p);
    }
  };
  for (const given of paths) {
    const p = resolve(given);
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      throw new UserError(`corpus path '${given}' does not exist`);
    }
    if (isDir) walk(p);
    else files.push(p);
  }
  if (files.length === 0) throw new UserError(`no corpus files (*.jsonl, *.json.gz, *.txt …) under ${paths.join(', ')}`);
  return files;
}

/** A corpus from files and folders: JSON-lines files by extension (`.json`, `.jsonl`, optionally `.gz`), else plain text. */
export function fileCorpus(paths: readonly string[], name = 'files'): Corpus {
  const files = corpusFiles(paths);
  const fingerprint = files.map((f) => {
    const s = statSync(f);
    return `${f}:${s.size}:${Math.round(s.mtimeMs)}`;
  });
  return {
    name,
    fingerprint: `files-v1\n${fingerprint.join('\n')}`,
    async *documents() {
      for (const file of files) {
        if (JSONL.test(file)) yield* jsonLinesDocuments(file);
        else yield* textFileDocuments(file);
      }
    },
  };
}

/** Lines of a (possibly gzipped) file; a corrupt or truncated gzip stream is a BadFileError naming the file. */
async function* fileLines(file: string): AsyncGenerator<string> {
  const gz = file.endsWith('.gz');
  // pipeline() destroys the gunzip stream with the error, so iterating it throws instead of hanging.
  const stream: Readable = gz ? pipeline(createReadStream(file), createGunzip(), () => {}) : createReadStream(file);
  const decoder = new StringDecoder('utf8');
  let rest = '';
  try {
    for await (const chunk of stream) {
      const text = rest + decoder.write(chunk as Buffer);
      const lines = text.split('\n');
      rest = lines.pop()!;
      for (const line of lines) yield line.endsWith('\r') ? line.slice(0, -1) : line;
    }
  } catch (e) {
    throw new BadFileError(file, `${gz ? 'corrupt or truncated gzip: ' : ''}${(e as Error).message}`);
  }
  rest += decoder.end();
  if (rest) yield rest;
}

/** C4 format: one JSON object per line with a string `text` field; blank lines are skipped. */
export async function* jsonLinesDocuments(file: string): AsyncGenerator<string> {
  let lineNo = 0;
  for await (const line of fileLines(file)) {
    lineNo++;
    if (!line.trim()) continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (e) {
      throw new BadFileError(`${file}:${lineNo}`, `not valid JSON (${(e as Error).message})`);
    }
    const text = (record as { text?: unknown } | null)?.text;
    if (typeof text !== 'string') throw new BadFileError(`${file}:${lineNo}`, 'expected an object with a string "text" field');
    if (text.trim()) yield text;
  }
}

/** Plain text: paragraphs separated by blank lines; a paragraph's lines are joined with spaces. */
export async function* textFileDocuments(file: string): AsyncGenerator<string> {
  let paragraph: string[] = [];
  for await (const line of fileLines(file)) {
    if (line.trim()) paragraph.push(line.trim());
    else if (paragraph.length) {
      yield paragraph.join(' ');
      paragraph = [];
    }
  }
  if (paragraph.length) yield paragraph.join(' ');
}

/** A corpus over documents already in memory (tests, the embedded default). */
export function memoryCorpus(name: string, fingerprint: string, docs: () => Iterable<string>): Corpus {
  return {
    name,
    fingerprint,
    async *documents() {
      yield* docs();
    },
  };
}
