/**
 * safetensors (Hugging Face's tensor file format), float32 only, written from the format's specification
 * (github.com/huggingface/safetensors, README "Format"):
 *
 *   bytes 0-7     N, the header length: unsigned 64-bit little-endian
 *   bytes 8..8+N  header: a UTF-8 JSON object { name: {dtype, shape, data_offsets: [begin, end)}, …,
 *                 "__metadata__"?: {string: string} }; padded with spaces (0x20) so N is a multiple of 8 and
 *                 the data starts 8-byte aligned
 *   then          the byte buffer: each tensor's little-endian values, row-major ('C' order); data_offsets are
 *                 relative to the buffer's start, contiguous, without holes or overlaps, covering all of it
 *
 * Names must be unique; "__metadata__" is reserved. Tensors are laid out in the order given.
 */
import { endianness } from 'node:os';

export interface SafeTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

const LITTLE_ENDIAN = endianness() === 'LE';
const METADATA_KEY = '__metadata__';
const ALIGN = 8;

/** The header object of `tensors` as the file stores it (exported for tests). */
export function safetensorsHeader(tensors: readonly SafeTensor[], metadata: Record<string, string> = {}): Record<string, unknown> {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header[METADATA_KEY] = { ...metadata };
  let offset = 0;
  for (const t of tensors) {
    if (t.name === METADATA_KEY) throw new Error(`safetensors: '${METADATA_KEY}' is reserved and cannot name a tensor`);
    if (Object.hasOwn(header, t.name)) throw new Error(`safetensors: tensor '${t.name}' given twice`);
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (!t.shape.every((d) => Number.isInteger(d) && d >= 0) || count !== t.data.length) {
      throw new Error(`safetensors: tensor '${t.name}' has shape [${t.shape}] but ${t.data.length} values`);
    }
    const end = offset + t.data.length * 4;
    header[t.name] = { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, end] };
    offset = end;
  }
  return header;
}

/** The whole file as bytes. */
export function encodeSafetensors(tensors: readonly SafeTensor[], metadata: Record<string, string> = {}): Buffer {
  let json = Buffer.from(JSON.stringify(safetensorsHeader(tensors, metadata)), 'utf8');
  const pad = (ALIGN - (json.length % ALIGN)) % ALIGN;
  if (pad > 0) json = Buffer.concat([json, Buffer.alloc(pad, 0x20)]);
  const dataBytes = tensors.reduce((n, t) => n + t.data.length * 4, 0);
  const out = Buffer.allocUnsafe(8 + json.length + dataBytes); // every byte is written below
  out.writeBigUInt64LE(BigInt(json.length), 0);
  json.copy(out, 8);
  let at = 8 + json.length;
  for (const t of tensors) {
    // A Float32Array is in platform byte order: copy it as is on little-endian machines, else value by value.
    if (LITTLE_ENDIAN) Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).copy(out, at);
    else for (let i = 0; i < t.data.length; i++) out.writeFloatLE(t.data[i]!, at + 4 * i);
    at += t.data.byteLength;
  }
  return out;
}
