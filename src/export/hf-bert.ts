/**
 * The `bert` layout: Hugging Face transformers' own BertForMaskedLM (models/bert/modeling_bert.py), loadable
 * with `AutoModelForMaskedLM.from_pretrained(dir)` and no custom code. For recipes with learned absolute
 * positions and the GELU MLP (bert and its ablations that change only padding, dropout, masking or vocabulary
 * rows — none of which changes the weights' meaning).
 *
 *   mbench                        Hugging Face (bert.encoder.layer.N. …)               shape
 *   emb.position                  bert.embeddings.position_embeddings.weight           [maxSeqLen, H]
 *   layer.N.attn.{q,k,v}.w, .b    attention.self.{query,key,value}.{weight,bias}       [H, H] transposed, [H]
 *   layer.N.attn.out.w, .b        attention.output.dense.{weight,bias}                 [H, H] transposed, [H]
 *   layer.N.attn.ln.gamma, .beta  attention.output.LayerNorm.{weight,bias}             [H]
 *   layer.N.ffn.in.w, .b          intermediate.dense.{weight,bias}                     [I, H] (transposed), [I]
 *   layer.N.ffn.out.w, .b         output.dense.{weight,bias}                           [H, I] (transposed), [H]
 *   layer.N.ffn.ln.gamma, .beta   output.LayerNorm.{weight,bias}                       [H]
 *   mlm.bias                      cls.predictions.bias                                 [V]
 * plus the embeddings and head of hf-shared.ts.
 */
import type { ModelConfig } from '../model/types.js';
import type { CheckpointWeights } from './checkpoint-weights.js';
import { embeddingTensors, headTensors, layerNormTensors, linearTensors, sharedConfig, type HfLayout } from './hf-shared.js';
import type { SafeTensor } from './safetensors.js';

function tensors(c: ModelConfig, w: CheckpointWeights): SafeTensor[] {
  const H = c.hidden;
  const I = c.intermediate;
  const out = embeddingTensors(c, w);
  out.splice(1, 0, { name: 'bert.embeddings.position_embeddings.weight', shape: [c.maxSeqLen, H], data: w.take('emb.position', [c.maxSeqLen, H]) });
  for (let i = 0; i < c.layers; i++) {
    const hf = `bert.encoder.layer.${i}`;
    const mb = `layer.${i}`;
    out.push(
      ...linearTensors(`${hf}.attention.self.query`, w, `${mb}.attn.q`, H, H),
      ...linearTensors(`${hf}.attention.self.key`, w, `${mb}.attn.k`, H, H),
      ...linearTensors(`${hf}.attention.self.value`, w, `${mb}.attn.v`, H, H),
      ...linearTensors(`${hf}.attention.output.dense`, w, `${mb}.attn.out`, H, H),
      ...layerNormTensors(`${hf}.attention.output.LayerNorm`, w, `${mb}.attn.ln`, H),
      ...linearTensors(`${hf}.intermediate.dense`, w, `${mb}.ffn.in`, H, I),
      ...linearTensors(`${hf}.output.dense`, w, `${mb}.ffn.out`, I, H),
      ...layerNormTensors(`${hf}.output.LayerNorm`, w, `${mb}.ffn.ln`, H),
    );
  }
  out.push(...headTensors(c, w, 'cls.predictions.bias'));
  return out;
}

export const HF_BERT: HfLayout = {
  name: 'bert',
  loader: "transformers' BertForMaskedLM",
  tensors,
  config: (c, special) => ({ ...sharedConfig(c, special), position_embedding_type: 'absolute' }),
};
