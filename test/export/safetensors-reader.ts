/**
 * A safetensors reader for the tests, written from the format's specification alone (it shares no code with
 * src/export/safetensors.ts): 8-byte little-endian u64 header length N; N bytes of UTF-8 JSON starting with '{'
 * and optionally padded with spaces; then the byte buffer, which the tensors' [begin, end) data_offsets must
 * tile exactly — no holes, no overlaps, nothing left over. Strict: any deviation throws, naming it.
 */
export interface ReadTensor {
  dtype: string;
  shape: number[];
  /** The values, decoded little-endian. */
  data: Float32Array;
  begin: number;
  end: number;
}

export interface ReadFile {
  headerLength: number;
  /** The header JSON text as stored, padding included. */
  headerText: string;
  metadata: Record<string, string> | null;
  /** In header order. */
  names: string[];
  tensors: Map<string, ReadTensor>;
}

export function readSafetensors(bytes: Uint8Array): ReadFile {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8) throw new Error(`file of ${bytes.length} bytes has no 8-byte header length`);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(bytes.length - 8)) throw new Error(`header length ${n} runs past the end of the file (${bytes.length} bytes)`);
  const headerLength = Number(n);
  const headerText = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength));
  if (!headerText.startsWith('{')) throw new Error('header does not start with "{"');
  const trimmed = headerText.replace(/ +$/, '');
  if (!trimmed.endsWith('}')) throw new Error('header has trailing bytes other than spaces');
  const header = JSON.parse(trimmed) as Record<string, unknown>;
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new Error('header is not a JSON object');

  const bufferStart = 8 + headerLength;
  const bufferLength = bytes.length - bufferStart;
  let metadata: Record<string, string> | null = null;
  const names: string[] = [];
  const tensors = new Map<string, ReadTensor>();
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') {
      const m = value as Record<string, unknown>;
      for (const [k, v] of Object.entries(m)) if (typeof v !== 'string') throw new Error(`__metadata__.${k} is not a string`);
      metadata = m as Record<string, string>;
      continue;
    }
    const info = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const keys = Object.keys(info).sort().join();
    if (keys !== 'data_offsets,dtype,shape') throw new Error(`${name}: entry has keys ${keys}`);
    if (info.dtype !== 'F32') throw new Error(`${name}: dtype ${String(info.dtype)} (this reader knows F32)`);
    const shape = info.shape as number[];
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw new Error(`${name}: bad shape`);
    const [begin, end] = info.data_offsets as [number, number];
    if (!(Number.isInteger(begin) && Number.isInteger(end) && 0 <= begin && begin <= end && end <= bufferLength)) throw new Error(`${name}: bad data_offsets [${begin}, ${end}]`);
    const count = shape.reduce((a, b) => a * b, 1);
    if (end - begin !== count * 4) throw new Error(`${name}: ${end - begin} bytes for shape [${shape}] of F32`);
    const data = new Float32Array(count);
    for (let i = 0; i < count; i++) data[i] = view.getFloat32(bufferStart + begin + 4 * i, true);
    names.push(name);
    tensors.set(name, { dtype: 'F32', shape, data, begin, end });
  }
  // The offsets must tile the buffer.
  const spans = [...tensors.values()].map((t) => [t.begin, t.end] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let at = 0;
  for (const [b, e] of spans) {
    if (b !== at) throw new Error(`byte buffer has a ${b > at ? 'hole' : 'overlap'} at ${Math.min(b, at)}`);
    at = e;
  }
  if (at !== bufferLength) throw new Error(`byte buffer has ${bufferLength - at} bytes no tensor covers`);
  return { headerLength, headerText, metadata, names, tensors };
}
