/**
 * Forward passes of the two exported layouts, from scratch in Float64, written against the Python definitions
 * rather than mbench's code: Hugging Face transformers' BertForMaskedLM (models/bert/modeling_bert.py, eager
 * attention) and MosaicBERT's BertForMaskedLM (mosaicml/examples, benchmarks/bert/src/bert_layers.py). They
 * read only what an exported folder holds: tensors by their Hugging Face names and config.json.
 *
 * Conventions there: nn.Linear computes y = x·Wᵀ + b with W [out, in]; nn.LayerNorm uses the biased variance;
 * ACT2FN maps "gelu" to the erf form and "gelu_new" / "gelu_pytorch_tanh" to the tanh form.
 */
import type { ReadTensor } from './safetensors-reader.js';

export type Tensors = Map<string, ReadTensor>;
export interface Inputs {
  batchSize: number;
  seqLen: number;
  inputIds: Int32Array;
  attentionMask: Uint8Array;
  tokenTypeIds?: Int32Array;
}

/**
 * erf by its Maclaurin series, erf(x) = 2/√π · Σ (−1)ⁿ x^(2n+1) / (n!(2n+1)), for |x| < 4 (terms peak near e^{x²},
 * so cancellation costs < 1e-8 there); beyond, erf = ±1 within erfc(4) ≈ 1.5e-8.
 */
export function erf(x: number): number {
  if (Math.abs(x) >= 4) return Math.sign(x);
  let sum = 0;
  let term = x;
  for (let n = 0; n < 200; n++) {
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    term *= (-x * x) / (n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

const GELU: Record<string, (x: number) => number> = {
  gelu: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
  gelu_new: (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))),
  gelu_pytorch_tanh: (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))),
};

export function activation(name: string): (x: number) => number {
  const f = GELU[name];
  if (!f) throw new Error(`reference: activation '${name}' is not one this reference implements`);
  return f;
}

function get(t: Tensors, name: string): Float64Array {
  const x = t.get(name);
  if (!x) throw new Error(`reference: no tensor '${name}' in the file`);
  return Float64Array.from(x.data);
}

/** nn.Linear: x [N, in] → [N, out], W [out, in]. */
function linear(x: Float64Array, n: number, w: Float64Array, bias: Float64Array | null, inDim: number, outDim: number): Float64Array {
  const y = new Float64Array(n * outDim);
  for (let r = 0; r < n; r++) {
    for (let o = 0; o < outDim; o++) {
      let s = bias ? bias[o]! : 0;
      for (let i = 0; i < inDim; i++) s += x[r * inDim + i]! * w[o * inDim + i]!;
      y[r * outDim + o] = s;
    }
  }
  return y;
}

/** nn.LayerNorm over the last axis (biased variance). */
function layerNorm(x: Float64Array, n: number, h: number, gamma: Float64Array, beta: Float64Array, eps: number): Float64Array {
  const y = new Float64Array(x.length);
  for (let r = 0; r < n; r++) {
    let mean = 0;
    for (let i = 0; i < h; i++) mean += x[r * h + i]!;
    mean /= h;
    let v = 0;
    for (let i = 0; i < h; i++) v += (x[r * h + i]! - mean) ** 2;
    v /= h;
    const inv = 1 / Math.sqrt(v + eps);
    for (let i = 0; i < h; i++) y[r * h + i] = (x[r * h + i]! - mean) * inv * gamma[i]! + beta[i]!;
  }
  return y;
}

const add = (a: Float64Array, b: Float64Array): Float64Array => Float64Array.from(a, (v, i) => v + b[i]!);

/**
 * Multi-head attention on padded rows [B·T, H] given q, k, v [B·T, H] (heads as contiguous d-wide column
 * blocks) and an additive bias(b, h, i, j).
 */
function attention(q: Float64Array, k: Float64Array, v: Float64Array, inp: Inputs, H: number, heads: number, bias: (b: number, h: number, i: number, j: number) => number): Float64Array {
  const { batchSize: B, seqLen: T } = inp;
  const d = H / heads;
  const out = new Float64Array(B * T * H);
  const scores = new Float64Array(T);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < heads; h++) {
      for (let i = 0; i < T; i++) {
        let max = -Infinity;
        for (let j = 0; j < T; j++) {
          let s = 0;
          for (let c = 0; c < d; c++) s += q[(b * T + i) * H + h * d + c]! * k[(b * T + j) * H + h * d + c]!;
          scores[j] = s / Math.sqrt(d) + bias(b, h, i, j);
          max = Math.max(max, scores[j]!);
        }
        let z = 0;
        for (let j = 0; j < T; j++) z += (scores[j] = Math.exp(scores[j]! - max));
        for (let c = 0; c < d; c++) {
          let s = 0;
          for (let j = 0; j < T; j++) s += (scores[j]! / z) * v[(b * T + j) * H + h * d + c]!;
          out[(b * T + i) * H + h * d + c] = s;
        }
      }
    }
  }
  return out;
}

interface Config {
  vocab_size: number;
  hidden_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  intermediate_size: number;
  hidden_act: string;
  layer_norm_eps: number;
}

/** The tied decoder: logits [N, V] = x·Eᵀ + bias (E = the word embeddings, which the decoder weight is tied to). */
function decoder(x: Float64Array, n: number, t: Tensors, c: Config, biasName: string): Float64Array {
  return linear(x, n, get(t, 'bert.embeddings.word_embeddings.weight'), get(t, biasName), c.hidden_size, c.vocab_size);
}

/** transformers' BertForMaskedLM, eval mode: prediction scores [B·T, V] (every position, pads included). */
export function hfBertLogits(t: Tensors, c: Config, inp: Inputs): Float64Array {
  const { batchSize: B, seqLen: T } = inp;
  const N = B * T;
  const H = c.hidden_size;
  const I = c.intermediate_size;
  const act = activation(c.hidden_act);
  const word = get(t, 'bert.embeddings.word_embeddings.weight');
  const pos = get(t, 'bert.embeddings.position_embeddings.weight');
  const type = get(t, 'bert.embeddings.token_type_embeddings.weight');
  // BertEmbeddings: word + token type (all 0 when not given) + absolute position (0…T−1), LayerNorm.
  let x: Float64Array = new Float64Array(N * H);
  for (let r = 0; r < N; r++) {
    const id = inp.inputIds[r]!;
    const tt = inp.tokenTypeIds?.[r] ?? 0;
    const p = r % T;
    for (let i = 0; i < H; i++) x[r * H + i] = word[id * H + i]! + type[tt * H + i]! + pos[p * H + i]!;
  }
  x = layerNorm(x, N, H, get(t, 'bert.embeddings.LayerNorm.weight'), get(t, 'bert.embeddings.LayerNorm.bias'), c.layer_norm_eps);
  // get_extended_attention_mask: (1 − mask)·finfo(float32).min on pad keys.
  const F32_MIN = -3.4028234663852886e38;
  const maskBias = (b: number, _h: number, _i: number, j: number) => (inp.attentionMask[b * T + j] ? 0 : F32_MIN);
  for (let l = 0; l < c.num_hidden_layers; l++) {
    const p = `bert.encoder.layer.${l}.`;
    const lin = (v: Float64Array, name: string, i: number, o: number) => linear(v, N, get(t, `${p}${name}.weight`), get(t, `${p}${name}.bias`), i, o);
    const q = lin(x, 'attention.self.query', H, H);
    const k = lin(x, 'attention.self.key', H, H);
    const v = lin(x, 'attention.self.value', H, H);
    const ctx = attention(q, k, v, inp, H, c.num_attention_heads, maskBias);
    x = layerNorm(add(lin(ctx, 'attention.output.dense', H, H), x), N, H, get(t, `${p}attention.output.LayerNorm.weight`), get(t, `${p}attention.output.LayerNorm.bias`), c.layer_norm_eps);
    const inner = lin(x, 'intermediate.dense', H, I).map(act);
    x = layerNorm(add(lin(inner, 'output.dense', I, H), x), N, H, get(t, `${p}output.LayerNorm.weight`), get(t, `${p}output.LayerNorm.bias`), c.layer_norm_eps);
  }
  // BertLMPredictionHead: transform (dense, act, LayerNorm with layer_norm_eps), decoder + cls.predictions.bias.
  let h: Float64Array = linear(x, N, get(t, 'cls.predictions.transform.dense.weight'), get(t, 'cls.predictions.transform.dense.bias'), H, H).map(act);
  h = layerNorm(h, N, H, get(t, 'cls.predictions.transform.LayerNorm.weight'), get(t, 'cls.predictions.transform.LayerNorm.bias'), c.layer_norm_eps);
  return decoder(h, N, t, c, 'cls.predictions.bias');
}

/** bert_layers.py's `_get_alibi_head_slopes` (ALiBi paper's reference slopes; interleaved for n not 2^k). */
export function mosaicAlibiSlopes(n: number): number[] {
  const powerOf2 = (m: number) => {
    const start = 2 ** -(2 ** -(Math.log2(m) - 3));
    return Array.from({ length: m }, (_, i) => start * start ** i);
  };
  if (Number.isInteger(Math.log2(n))) return powerOf2(n);
  const closest = 2 ** Math.floor(Math.log2(n));
  return [...powerOf2(closest), ...mosaicAlibiSlopes(2 * closest).filter((_, i) => i % 2 === 0).slice(0, n - closest)];
}

/**
 * MosaicBERT's BertForMaskedLM, eval mode: scores [B·T, V] at every position. Unpadding changes nothing at the
 * real tokens (pads enter only as masked keys), so this runs padded. `gluActivation` is what
 * BertGatedLinearUnitMLP applies: nn.GELU(approximate='none') (erf) in bert_layers.py; 'tanh' swaps in
 * mbench's form, to check the layout with that one known difference removed.
 */
export function mosaicBertLogits(t: Tensors, c: Config & { alibi_starting_size?: number }, inp: Inputs, gluActivation: 'erf' | 'tanh' = 'erf'): Float64Array {
  const { batchSize: B, seqLen: T } = inp;
  const N = B * T;
  const H = c.hidden_size;
  const I = c.intermediate_size;
  const heads = c.num_attention_heads;
  const glu = activation(gluActivation === 'erf' ? 'gelu' : 'gelu_new');
  const word = get(t, 'bert.embeddings.word_embeddings.weight');
  const type = get(t, 'bert.embeddings.token_type_embeddings.weight');
  if (t.has('bert.embeddings.position_embeddings.weight')) throw new Error('reference: MosaicBERT has no position embeddings');
  let x: Float64Array = new Float64Array(N * H);
  for (let r = 0; r < N; r++) {
    const id = inp.inputIds[r]!;
    const tt = inp.tokenTypeIds?.[r] ?? 0;
    for (let i = 0; i < H; i++) x[r * H + i] = word[id * H + i]! + type[tt * H + i]!;
  }
  x = layerNorm(x, N, H, get(t, 'bert.embeddings.LayerNorm.weight'), get(t, 'bert.embeddings.LayerNorm.bias'), c.layer_norm_eps);
  // BertEncoder: (1 − mask)·−10000 on pad keys plus alibi = slope_h · −|i − j|.
  const slopes = mosaicAlibiSlopes(heads);
  const bias = (b: number, h: number, i: number, j: number) => (inp.attentionMask[b * T + j] ? 0 : -10000) - slopes[h]! * Math.abs(i - j);
  for (let l = 0; l < c.num_hidden_layers; l++) {
    const p = `bert.encoder.layer.${l}.`;
    // Wqkv [3H, H]; its output rearranged 'b s (t h d) -> b s t h d' with t = 3.
    const qkv = linear(x, N, get(t, `${p}attention.self.Wqkv.weight`), get(t, `${p}attention.self.Wqkv.bias`), H, 3 * H);
    const part = (which: number) => {
      const out = new Float64Array(N * H);
      for (let r = 0; r < N; r++) for (let i = 0; i < H; i++) out[r * H + i] = qkv[r * 3 * H + which * H + i]!;
      return out;
    };
    const ctx = attention(part(0), part(1), part(2), inp, H, heads, bias);
    const dense = linear(ctx, N, get(t, `${p}attention.output.dense.weight`), get(t, `${p}attention.output.dense.bias`), H, H);
    x = layerNorm(add(dense, x), N, H, get(t, `${p}attention.output.LayerNorm.weight`), get(t, `${p}attention.output.LayerNorm.bias`), c.layer_norm_eps);
    // BertGatedLinearUnitMLP: gated_layers (no bias) → act(first I) ⊙ last I → wo → + residual → layernorm.
    const g = linear(x, N, get(t, `${p}mlp.gated_layers.weight`), null, H, 2 * I);
    const inner = new Float64Array(N * I);
    for (let r = 0; r < N; r++) for (let i = 0; i < I; i++) inner[r * I + i] = glu(g[r * 2 * I + i]!) * g[r * 2 * I + I + i]!;
    const wo = linear(inner, N, get(t, `${p}mlp.wo.weight`), get(t, `${p}mlp.wo.bias`), I, H);
    x = layerNorm(add(wo, x), N, H, get(t, `${p}mlp.layernorm.weight`), get(t, `${p}mlp.layernorm.bias`), c.layer_norm_eps);
  }
  // BertPredictionHeadTransform: dense, ACT2FN[hidden_act], LayerNorm(eps=1e-12 fixed); decoder with its own bias.
  let h: Float64Array = linear(x, N, get(t, 'cls.predictions.transform.dense.weight'), get(t, 'cls.predictions.transform.dense.bias'), H, H).map(activation(c.hidden_act));
  h = layerNorm(h, N, H, get(t, 'cls.predictions.transform.LayerNorm.weight'), get(t, 'cls.predictions.transform.LayerNorm.bias'), 1e-12);
  return decoder(h, N, t, c, 'cls.predictions.decoder.bias');
}
