/**
 * The `mosaic-bert` layout: MosaicBERT's published Hugging Face checkpoints (mosaicml/mosaic-bert-base), whose
 * BertForMaskedLM is custom code — bert_layers.py with configuration_bert.py and bert_padding.py from
 * mosaicml/examples (examples/benchmarks/bert/src), named in config.json's auto_map as MosaicML's own configs
 * do, and loaded with trust_remote_code=True. For recipes with ALiBi and the GeGLU feed-forward.
 *
 *   mbench                          MosaicBERT (bert.encoder.layer.N. …)            shape
 *   layer.N.attn.{q,k,v}.w          attention.self.Wqkv.weight: rows qᵀ, kᵀ, vᵀ     [3H, H]
 *   layer.N.attn.{q,k,v}.b          attention.self.Wqkv.bias: q, k, v               [3H]
 *   layer.N.attn.out.w, .b          attention.output.dense.{weight,bias}            [H, H] transposed, [H]
 *   layer.N.attn.ln.gamma, .beta    attention.output.LayerNorm.{weight,bias}        [H]
 *   layer.N.ffn.{gate,value}.w      mlp.gated_layers.weight: rows gateᵀ, valueᵀ     [2I, H] (no bias)
 *   layer.N.ffn.out.w, .b           mlp.wo.{weight,bias}                            [H, I] transposed, [H]
 *   layer.N.ffn.ln.gamma, .beta     mlp.layernorm.{weight,bias}                     [H]
 *   mlm.bias                        cls.predictions.decoder.bias                    [V]
 * plus the embeddings (no position table: ALiBi) and head of hf-shared.ts. bert_layers.py splits the fused
 * projections the same way: Wqkv's output as (three, heads, head dim), gated_layers' as the GELU-gated first I
 * columns and the linear last I. Its ALiBi slopes (2^(−8h/n), with the interleaving for n not a power of two)
 * and −10000 pad-key bias are kernels/attention.ts's.
 *
 * Not exact: bert_layers.py's GeGLU calls nn.GELU(approximate='none'), the erf form, whatever hidden_act says,
 * while mbench's GeGLU uses the tanh form (hidden_act "gelu_new" makes the head's GELU exact). The difference is
 * below 5e-4 per activation; test/export/forward-mosaic.test.ts measures what it does to the logits.
 */
import type { ModelConfig } from '../model/types.js';
import { stackRows, transpose, type CheckpointWeights } from './checkpoint-weights.js';
import { embeddingTensors, headTensors, layerNormTensors, linearTensors, sharedConfig, type HfLayout } from './hf-shared.js';
import type { SafeTensor } from './safetensors.js';

/** config.json auto_map: the custom classes, as mosaicml/mosaic-bert-base names them. */
export const MOSAIC_AUTO_MAP = {
  AutoConfig: 'configuration_bert.BertConfig',
  AutoModelForMaskedLM: 'bert_layers.BertForMaskedLM',
} as const;

/** The files of mosaicml/mosaic-bert-base (or mosaicml/examples' examples/benchmarks/bert/src) the folder needs. */
export const MOSAIC_CODE_FILES = ['bert_layers.py', 'configuration_bert.py', 'bert_padding.py'] as const;

function tensors(c: ModelConfig, w: CheckpointWeights): SafeTensor[] {
  const H = c.hidden;
  const I = c.intermediate;
  const out = embeddingTensors(c, w);
  for (let i = 0; i < c.layers; i++) {
    const hf = `bert.encoder.layer.${i}`;
    const mb = `layer.${i}`;
    const qkv = ['q', 'k', 'v'];
    out.push(
      { name: `${hf}.attention.self.Wqkv.weight`, shape: [3 * H, H], data: stackRows(...qkv.map((n) => transpose(w.take(`${mb}.attn.${n}.w`, [H, H]), H, H))) },
      { name: `${hf}.attention.self.Wqkv.bias`, shape: [3 * H], data: stackRows(...qkv.map((n) => w.take(`${mb}.attn.${n}.b`, [H]))) },
      ...linearTensors(`${hf}.attention.output.dense`, w, `${mb}.attn.out`, H, H),
      ...layerNormTensors(`${hf}.attention.output.LayerNorm`, w, `${mb}.attn.ln`, H),
      {
        name: `${hf}.mlp.gated_layers.weight`,
        shape: [2 * I, H],
        data: stackRows(transpose(w.take(`${mb}.ffn.gate.w`, [H, I]), H, I), transpose(w.take(`${mb}.ffn.value.w`, [H, I]), H, I)),
      },
      ...linearTensors(`${hf}.mlp.wo`, w, `${mb}.ffn.out`, I, H),
      ...layerNormTensors(`${hf}.mlp.layernorm`, w, `${mb}.ffn.ln`, H),
    );
  }
  out.push(...headTensors(c, w, 'cls.predictions.decoder.bias'));
  return out;
}

export const MOSAIC_BERT: HfLayout = {
  name: 'mosaic-bert',
  loader: "MosaicBERT's BertForMaskedLM (bert_layers.py, custom code)",
  tensors,
  config: (c, special) => ({
    ...sharedConfig(c, special),
    auto_map: { ...MOSAIC_AUTO_MAP },
    // bert_layers.py builds its ALiBi table this large up front and grows it for longer inputs.
    alibi_starting_size: c.maxSeqLen,
  }),
};
