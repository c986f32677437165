/**
 * Checkpoints: everything a run needs to continue exactly where it stopped, in one file.
 *
 *   bytes 0-7      magic "MBCKPT02"
 *   bytes 8-11     header length H (uint32, little-endian)
 *   bytes 12-43    SHA-256 of the header's H bytes: an edited or damaged header (a step, a cursor) is caught
 *   bytes 44..     header: UTF-8 JSON (CheckpointHeader), padded with spaces to a multiple of 4
 *   then           blob: float32 little-endian tensors back to back, as listed in header.tensors;
 *                  header.blobBytes and header.blobSha256 detect truncation and corruption.
 *
 * Files of the first format ("MBCKPT01": no header digest, the header at byte 12) are still read.
 *
 * Written with writeFileAtomic (temp file + fsync + rename), named by step (`step-00000200.ckpt`), so a killed
 * process leaves the previous checkpoint intact and nothing is ever overwritten.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, openSync, readdirSync, readFileSync, readSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BadFileError } from '../errors.js';
import type { DataCursor } from '../data/types.js';
import type { ModelConfig } from '../model/types.js';
import { writeFileAtomic } from '../results/atomic.js';

export const CHECKPOINT_MAGIC = 'MBCKPT02';
/** The first format: the same file without the header digest. */
const CHECKPOINT_MAGIC_V1 = 'MBCKPT01';
const PREFIX_BYTES = { [CHECKPOINT_MAGIC]: 44, [CHECKPOINT_MAGIC_V1]: 12 } as const;
export const CHECKPOINT_SCHEMA_VERSION = 1;

export type TensorKind = 'weight' | 'adam.m' | 'adam.v';

export interface TensorEntry {
  name: string;
  kind: TensorKind;
  shape: number[];
  /** Byte offset into the blob. */
  offset: number;
  /** Number of float32 values. */
  length: number;
}

/** Running totals of a run, restored on resume so the final numbers cover the whole run. */
export interface RunProgress {
  samples: number;
  /** Real (non-pad) tokens. */
  tokens: number;
  /** Training wall-clock seconds, evaluation and checkpoint I/O excluded. */
  trainSeconds: number;
  flops: number;
  lastLoss: number | null;
  evalLoss: number | null;
  evalAccuracy: number | null;
  /** Untimed warm-up seconds (one forward and backward pass per session, before the timed steps); absent in
   *  checkpoints written before it was recorded. */
  setupSeconds?: number;
  /** Seconds of the timed steps spent exchanging gradients between ranks (multi-device runs only). */
  communicationSeconds?: number;
  /** Seconds of the timed steps spent waiting for the slowest rank before each exchange (multi-device runs). */
  rankWaitSeconds?: number;
}

export interface CheckpointHeader {
  format: 'mbench-checkpoint';
  schemaVersion: typeof CHECKPOINT_SCHEMA_VERSION;
  mbenchVersion: string;
  createdAt: string;
  /** Optimizer steps taken. */
  step: number;
  /** Steps of the whole run (null for wall-clock runs) and whether the run reached its end. */
  totalSteps: number | null;
  finished: boolean;
  recipe: string;
  model: ModelConfig;
  tokenizerId: string;
  /** Training settings that must match to resume (batch, seqLen, lr, mask ratio, duration, …). */
  training: Record<string, string | number | boolean | null>;
  seed: number;
  /** Random state. Generators are keyed on (seed, purpose, step), so seed and step replay every stream. */
  rng: { scheme: 'keyed-splitmix32'; seed: number; step: number };
  cursor: DataCursor;
  progress: RunProgress;
  tensors: TensorEntry[];
  blobBytes: number;
  blobSha256: string;
}

export interface NamedArray {
  name: string;
  kind: TensorKind;
  shape: number[];
  data: Float32Array;
}

export function checkpointFileName(step: number): string {
  return `step-${String(step).padStart(8, '0')}.ckpt`;
}

const NAME_PATTERN = /^step-(\d{8,})\.ckpt$/;

/** Checkpoint files in `dir`, oldest step first (temp files of a killed write are ignored). */
export function listCheckpoints(dir: string): Array<{ step: number; path: string }> {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((f) => ({ f, m: NAME_PATTERN.exec(f) }))
    .filter((x) => x.m !== null)
    .map((x) => ({ step: Number(x.m![1]), path: join(dir, x.f) }))
    .sort((a, b) => a.step - b.step);
}

export function latestCheckpoint(dir: string): { step: number; path: string } | null {
  const all = listCheckpoints(dir);
  return all[all.length - 1] ?? null;
}

type HeaderFields = Omit<CheckpointHeader, 'format' | 'schemaVersion' | 'tensors' | 'blobBytes' | 'blobSha256'>;

/** Serialises a checkpoint to bytes (exported for tests; use writeCheckpoint). */
export function encodeCheckpoint(fields: HeaderFields, arrays: readonly NamedArray[]): Buffer {
  const tensors: TensorEntry[] = [];
  let offset = 0;
  for (const a of arrays) {
    tensors.push({ name: a.name, kind: a.kind, shape: a.shape, offset, length: a.data.length });
    offset += a.data.length * 4;
  }
  const blob = Buffer.alloc(offset);
  for (let i = 0; i < arrays.length; i++) {
    const d = arrays[i]!.data;
    Buffer.from(d.buffer, d.byteOffset, d.byteLength).copy(blob, tensors[i]!.offset);
  }
  const header: CheckpointHeader = {
    format: 'mbench-checkpoint',
    schemaVersion: CHECKPOINT_SCHEMA_VERSION,
    ...fields,
    tensors,
    blobBytes: blob.length,
    blobSha256: createHash('sha256').update(blob).digest('hex'),
  };
  let json = Buffer.from(JSON.stringify(header));
  if (json.length % 4 !== 0) json = Buffer.concat([json, Buffer.alloc(4 - (json.length % 4), 0x20)]);
  const prefix = Buffer.alloc(PREFIX_BYTES[CHECKPOINT_MAGIC]);
  prefix.write(CHECKPOINT_MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(json.length, 8);
  createHash('sha256').update(json).digest().copy(prefix, 12);
  return Buffer.concat([prefix, json, blob]);
}

/** Writes `dir/step-XXXXXXXX.ckpt` atomically and returns its path; refuses to replace an existing file. */
export function writeCheckpoint(dir: string, fields: HeaderFields, arrays: readonly NamedArray[]): string {
  const path = join(dir, checkpointFileName(fields.step));
  if (existsSync(path)) throw new BadFileError(path, 'a checkpoint for this step already exists; refusing to overwrite it');
  writeFileAtomic(path, encodeCheckpoint(fields, arrays));
  return path;
}

/** Reads only the header (cheap); checks the magic and that the file is as long as the header says. */
export function readCheckpointHeader(path: string): CheckpointHeader {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new BadFileError(path, `cannot read checkpoint (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  try {
    const size = fstatSync(fd).size;
    const magic = Buffer.alloc(8);
    if (readSync(fd, magic, 0, 8, 0) < 8) throw new BadFileError(path, `truncated checkpoint (${size} bytes, shorter than its prefix)`);
    const kind = magic.toString('latin1');
    if (kind !== CHECKPOINT_MAGIC && kind !== CHECKPOINT_MAGIC_V1) throw new BadFileError(path, 'not an mbench checkpoint (bad magic bytes)');
    const prefixBytes = PREFIX_BYTES[kind];
    const prefix = Buffer.alloc(prefixBytes);
    if (readSync(fd, prefix, 0, prefixBytes, 0) < prefixBytes) throw new BadFileError(path, `truncated checkpoint (${size} bytes, shorter than its ${prefixBytes}-byte prefix)`);
    const headerBytes = prefix.readUInt32LE(8);
    if (prefixBytes + headerBytes > size) throw new BadFileError(path, `truncated checkpoint (${size} bytes; the header alone needs ${prefixBytes + headerBytes})`);
    const json = Buffer.alloc(headerBytes);
    readSync(fd, json, 0, headerBytes, prefixBytes);
    if (kind === CHECKPOINT_MAGIC && !createHash('sha256').update(json).digest().equals(prefix.subarray(12, 44))) {
      throw new BadFileError(path, 'corrupt checkpoint (checksum mismatch in the header: its step, cursor or settings were changed or damaged)');
    }
    let header: CheckpointHeader;
    try {
      header = JSON.parse(json.toString('utf8')) as CheckpointHeader;
    } catch (err) {
      throw new BadFileError(path, `corrupt checkpoint header (${(err as Error).message})`);
    }
    if (header.format !== 'mbench-checkpoint' || header.schemaVersion !== CHECKPOINT_SCHEMA_VERSION) {
      throw new BadFileError(path, `unsupported checkpoint format ${String(header.format)} v${String(header.schemaVersion)} (this mbench reads v${CHECKPOINT_SCHEMA_VERSION})`);
    }
    const expected = prefixBytes + headerBytes + header.blobBytes;
    if (size !== expected) {
      throw new BadFileError(path, size < expected ? `truncated checkpoint (${size} of ${expected} bytes)` : `corrupt checkpoint (${size} bytes, expected ${expected})`);
    }
    return header;
  } finally {
    closeSync(fd);
  }
}

/** Reads and verifies a whole checkpoint; every tensor comes back as its own Float32Array. */
export function readCheckpoint(path: string): { header: CheckpointHeader; arrays: NamedArray[] } {
  const header = readCheckpointHeader(path);
  const bytes = readFileSync(path);
  const start = bytes.length - header.blobBytes;
  const blob = bytes.subarray(start);
  const sha = createHash('sha256').update(blob).digest('hex');
  if (sha !== header.blobSha256) throw new BadFileError(path, 'corrupt checkpoint (checksum mismatch in the tensor data)');
  const arrays = header.tensors.map((t) => {
    if (t.offset + t.length * 4 > blob.length) throw new BadFileError(path, `corrupt checkpoint (tensor '${t.name}' lies outside the data)`);
    const data = new Float32Array(t.length);
    Buffer.from(data.buffer).set(blob.subarray(t.offset, t.offset + t.length * 4));
    return { name: t.name, kind: t.kind, shape: t.shape, data };
  });
  return { header, arrays };
}

/** Deletes all but the newest `keep` checkpoints (keep ≤ 0 keeps everything). */
export function pruneCheckpoints(dir: string, keep: number): void {
  if (keep <= 0) return;
  const all = listCheckpoints(dir);
  for (const c of all.slice(0, Math.max(0, all.length - keep))) rmSync(c.path, { force: true });
}
