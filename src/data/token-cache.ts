/**
 * The token cache: a corpus tokenised once into a compact binary file plus an index, like nanoGPT's train.bin.
 * A cache directory holds
 *   tokens.bin   every document's token ids back to back, little-endian uint16 (vocab ≤ 65536) or uint32
 *   docs.bin     uint32 token count per document, in corpus order
 *   heldout.bin  uint8 per document: 1 = held out (never used for training; see split.ts)
 *   meta.json    format version, corpus and tokenizer identity, counts
 * It is built in a temporary directory and renamed into place when complete, so a crash or an error never
 * leaves a partial cache; its name is a hash of corpus fingerprint + tokenizer id + split, so a change of
 * either builds a new one.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { BadFileError, UserError } from '../errors.js';
import type { Corpus } from './corpus.js';
import { DEFAULT_HELD_OUT_FRACTION, isHeldOut } from './split.js';
import type { TokenizerInfo } from './types.js';

export const TOKEN_CACHE_FORMAT = 1;
const FLUSH_TOKENS = 1 << 20;

export interface TokenCacheMeta {
  format: typeof TOKEN_CACHE_FORMAT;
  corpus: { name: string; fingerprint: string };
  tokenizer: TokenizerInfo;
  heldOutFraction: number;
  bytesPerToken: 2 | 4;
  documents: number;
  trainDocuments: number;
  heldOutDocuments: number;
  tokens: number;
  trainTokens: number;
  buildSeconds: number;
  /** CPU seconds (user + system) of the build: throughput independent of other load on the machine. */
  buildCpuSeconds: number;
}

export interface TokenCache {
  readonly dir: string;
  readonly meta: TokenCacheMeta;
  /** Indices of training / held-out documents, ascending. */
  readonly trainDocs: Uint32Array;
  readonly heldOutDocs: Uint32Array;
  /** Token count of document i. */
  docLength(i: number): number;
  /** The tokens of document i (a view; do not keep it past the next call when the cache reads from disk). */
  docTokens(i: number): Uint16Array | Uint32Array;
}

export interface Encoder {
  readonly info: TokenizerInfo;
  encode(text: string): number[];
}

export interface BuildProgress {
  documents: number;
  tokens: number;
  seconds: number;
}

export function tokenCacheKey(corpus: Corpus, tokenizer: TokenizerInfo, heldOutFraction: number): string {
  const h = createHash('sha256');
  h.update(`token-cache-v${TOKEN_CACHE_FORMAT}\n${corpus.fingerprint}\n${tokenizer.id}\n${heldOutFraction}`);
  return `${corpus.name.replace(/[^A-Za-z0-9._-]/g, '_')}-${h.digest('hex').slice(0, 12)}`;
}

/** Tokenises `corpus` into `<root>/<key>/` and returns the opened cache. Throws (leaving nothing behind) on error. */
export async function buildTokenCache(
  corpus: Corpus,
  encoder: Encoder,
  root: string,
  opts: { heldOutFraction?: number; onProgress?: (p: BuildProgress) => void } = {},
): Promise<TokenCache> {
  const heldOutFraction = opts.heldOutFraction ?? DEFAULT_HELD_OUT_FRACTION;
  const dir = join(root, tokenCacheKey(corpus, encoder.info, heldOutFraction));
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  mkdirSync(tmp, { recursive: true });
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const wide = encoder.info.vocabSize > 65536;
  const Chunk = wide ? Uint32Array : Uint16Array;
  let fd: number | undefined;
  try {
    fd = openSync(join(tmp, 'tokens.bin'), 'w');
    let chunk = new Chunk(FLUSH_TOKENS);
    let filled = 0;
    const flush = (): void => {
      if (filled) writeSync(fd!, new Uint8Array(chunk.buffer, 0, filled * chunk.BYTES_PER_ELEMENT));
      filled = 0;
    };
    const lengths: number[] = [];
    const heldOut: number[] = [];
    let tokens = 0;
    let trainTokens = 0;
    let lastReport = started;
    for await (const text of corpus.documents()) {
      const ids = encoder.encode(text);
      if (ids.length === 0) continue;
      if (filled + ids.length > chunk.length) {
        flush();
        if (ids.length > chunk.length) chunk = new Chunk(ids.length);
      }
      chunk.set(ids, filled);
      filled += ids.length;
      const held = isHeldOut(text, heldOutFraction);
      lengths.push(ids.length);
      heldOut.push(held ? 1 : 0);
      tokens += ids.length;
      if (!held) trainTokens += ids.length;
      const now = performance.now();
      if (opts.onProgress && now - lastReport > 1000) {
        lastReport = now;
        opts.onProgress({ documents: lengths.length, tokens, seconds: (now - started) / 1000 });
      }
    }
    flush();
    closeSync(fd);
    fd = undefined;
    const trainDocuments = heldOut.filter((h) => h === 0).length;
    if (trainDocuments === 0) throw new UserError(`corpus '${corpus.name}' has no training documents (it is empty or all whitespace)`);
    writeSync2(join(tmp, 'docs.bin'), new Uint8Array(Uint32Array.from(lengths).buffer));
    writeSync2(join(tmp, 'heldout.bin'), Uint8Array.from(heldOut));
    const meta: TokenCacheMeta = {
      format: TOKEN_CACHE_FORMAT,
      corpus: { name: corpus.name, fingerprint: corpus.fingerprint },
      tokenizer: encoder.info,
      heldOutFraction,
      bytesPerToken: wide ? 4 : 2,
      documents: lengths.length,
      trainDocuments,
      heldOutDocuments: lengths.length - trainDocuments,
      tokens,
      trainTokens,
      buildSeconds: (performance.now() - started) / 1000,
      buildCpuSeconds: cpuSeconds(process.cpuUsage(cpuStart)),
    };
    writeSync2(join(tmp, 'meta.json'), JSON.stringify(meta, null, 2) + '\n');
    opts.onProgress?.({ documents: lengths.length, tokens, seconds: meta.buildSeconds });
    try {
      renameSync(tmp, dir);
    } catch (e) {
      // Another process finished the same cache first: theirs is identical, use it.
      if (!existsSync(join(dir, 'meta.json'))) throw e;
      rmSync(tmp, { recursive: true, force: true });
    }
    return openTokenCache(dir);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

function cpuSeconds(u: NodeJS.CpuUsage): number {
  return (u.user + u.system) / 1e6;
}

function writeSync2(path: string, data: string | Uint8Array): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
  } finally {
    closeSync(fd);
  }
}

/** Opens a finished cache directory, checking that its files agree with meta.json. */
export function openTokenCache(dir: string): TokenCache {
  const metaPath = join(dir, 'meta.json');
  if (!existsSync(metaPath)) throw new UserError(`${dir} is not a token cache (no meta.json)`);
  let meta: TokenCacheMeta;
  try {
    meta = JSON.parse(readFileSync(metaPath, 'utf8')) as TokenCacheMeta;
  } catch (e) {
    throw new BadFileError(metaPath, `unreadable token-cache metadata (${(e as Error).message}); delete ${dir} to rebuild`);
  }
  if (meta.format !== TOKEN_CACHE_FORMAT) throw new BadFileError(metaPath, `token-cache format ${meta.format}, expected ${TOKEN_CACHE_FORMAT}; delete ${dir} to rebuild`);
  const tokensPath = join(dir, 'tokens.bin');
  const docsBuf = readFileSync(join(dir, 'docs.bin'));
  const held = new Uint8Array(readFileSync(join(dir, 'heldout.bin')));
  const lengths = new Uint32Array(docsBuf.buffer.slice(docsBuf.byteOffset, docsBuf.byteOffset + docsBuf.byteLength));
  if (lengths.length !== meta.documents || held.length !== meta.documents) throw new BadFileError(dir, 'index does not match meta.json (truncated?); delete it to rebuild');
  if (statSync(tokensPath).size !== meta.tokens * meta.bytesPerToken) throw new BadFileError(tokensPath, 'size does not match meta.json (truncated?); delete the cache directory to rebuild');
  // Offsets in tokens; Float64 is exact to 2^53 tokens.
  const offsets = new Float64Array(lengths.length + 1);
  for (let i = 0; i < lengths.length; i++) offsets[i + 1] = offsets[i]! + lengths[i]!;
  const trainDocs = new Uint32Array(meta.trainDocuments);
  const heldOutDocs = new Uint32Array(meta.heldOutDocuments);
  for (let i = 0, t = 0, h = 0; i < held.length; i++) {
    if (held[i]) heldOutDocs[h++] = i;
    else trainDocs[t++] = i;
  }
  const tokens = readTokens(tokensPath, meta.bytesPerToken);
  return {
    dir,
    meta,
    trainDocs,
    heldOutDocs,
    docLength: (i) => lengths[i]!,
    docTokens: (i) => tokens.subarray(offsets[i]!, offsets[i + 1]!),
  };
}

/** The whole token file in memory (the default corpus is ~10 MB; a 2 GiB file is ~1 billion tokens). */
function readTokens(path: string, bytesPerToken: 2 | 4): Uint16Array | Uint32Array {
  const buf = readFileSync(path);
  const copy = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  return bytesPerToken === 2 ? new Uint16Array(copy) : new Uint32Array(copy);
}

/** Opens the cache for (corpus, tokenizer) under `root`, building it first when absent. */
export async function ensureTokenCache(
  corpus: Corpus,
  encoder: Encoder,
  root: string,
  opts: { heldOutFraction?: number; onProgress?: (p: BuildProgress) => void } = {},
): Promise<TokenCache> {
  const dir = join(root, tokenCacheKey(corpus, encoder.info, opts.heldOutFraction ?? DEFAULT_HELD_OUT_FRACTION));
  if (existsSync(join(dir, 'meta.json'))) return openTokenCache(dir);
  return buildTokenCache(corpus, encoder, root, opts);
}
