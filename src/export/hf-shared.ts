/**
 * What the two Hugging Face layouts share: the embeddings (word + token type + LayerNorm), the MLM head
 * (dense → GELU → LayerNorm → decoder tied to the word embeddings) and most of config.json.
 *
 * GELU: mbench's is the tanh form (kernels/gelu.ts); in transformers' ACT2FN that is "gelu_new"
 * (NewGELUActivation, 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))), so config.json names "gelu_new", not
 * "gelu" (the erf form, which differs by up to ~5e-4 per activation).
 * Token types: mbench's model has a [2, H] token-type table (row 0 is what pretraining trains, as every
 * pretraining sample is one segment), written as is: Hugging Face adds row 0 when no token_type_ids are given,
 * exactly as mbench does.
 */
import type { SpecialTokenIds } from '../data/types.js';
import { paddedVocabSize } from '../model/recipes.js';
import type { ModelConfig } from '../model/types.js';
import { transpose, type CheckpointWeights } from './checkpoint-weights.js';
import type { SafeTensor } from './safetensors.js';

export const HF_GELU = 'gelu_new';
/** kernels/layernorm.ts's LAYER_NORM_EPS (BERT's), repeated so exporting never loads tfjs; a test pins them equal. */
export const LAYER_NORM_EPS = 1e-12;
export const TYPE_VOCAB_SIZE = 2;

/** A Hugging Face layout: how mbench's weights are named and shaped there, and the config.json that loads them. */
export interface HfLayout {
  name: 'bert' | 'mosaic-bert';
  /** The class that loads the folder, for messages and the model card. */
  loader: string;
  tensors(c: ModelConfig, w: CheckpointWeights): SafeTensor[];
  config(c: ModelConfig, special: SpecialTokenIds): Record<string, unknown>;
}

/** bert.embeddings.{word_embeddings, token_type_embeddings, LayerNorm} (position embeddings are the layout's). */
export function embeddingTensors(c: ModelConfig, w: CheckpointWeights): SafeTensor[] {
  const V = paddedVocabSize(c);
  const H = c.hidden;
  return [
    { name: 'bert.embeddings.word_embeddings.weight', shape: [V, H], data: w.take('emb.word', [V, H]) },
    { name: 'bert.embeddings.token_type_embeddings.weight', shape: [TYPE_VOCAB_SIZE, H], data: w.take('emb.type', [TYPE_VOCAB_SIZE, H]) },
    { name: 'bert.embeddings.LayerNorm.weight', shape: [H], data: w.take('emb.ln.gamma', [H]) },
    { name: 'bert.embeddings.LayerNorm.bias', shape: [H], data: w.take('emb.ln.beta', [H]) },
  ];
}

/** A dense layer y = x·W + b stored [in, out] in mbench → nn.Linear's weight [out, in] and bias [out]. */
export function linearTensors(name: string, w: CheckpointWeights, mbenchName: string, inDim: number, outDim: number, bias = true): SafeTensor[] {
  const out: SafeTensor[] = [{ name: `${name}.weight`, shape: [outDim, inDim], data: transpose(w.take(`${mbenchName}.w`, [inDim, outDim]), inDim, outDim) }];
  if (bias) out.push({ name: `${name}.bias`, shape: [outDim], data: w.take(`${mbenchName}.b`, [outDim]) });
  return out;
}

/** An mbench LayerNorm (gamma, beta) under a Hugging Face name (weight, bias). */
export function layerNormTensors(name: string, w: CheckpointWeights, mbenchName: string, H: number): SafeTensor[] {
  return [
    { name: `${name}.weight`, shape: [H], data: w.take(`${mbenchName}.gamma`, [H]) },
    { name: `${name}.bias`, shape: [H], data: w.take(`${mbenchName}.beta`, [H]) },
  ];
}

/**
 * cls.predictions: transform (dense, LayerNorm), the decoder weight (a copy of the word embeddings: the two
 * are tied, and loaders re-tie them) and the output bias under `biasName` (the layouts differ there).
 */
export function headTensors(c: ModelConfig, w: CheckpointWeights, biasName: string): SafeTensor[] {
  const V = paddedVocabSize(c);
  const H = c.hidden;
  return [
    ...linearTensors('cls.predictions.transform.dense', w, 'mlm.transform', H, H),
    ...layerNormTensors('cls.predictions.transform.LayerNorm', w, 'mlm.ln', H),
    { name: 'cls.predictions.decoder.weight', shape: [V, H], data: w.take('emb.word', [V, H]) },
    { name: biasName, shape: [V], data: w.take('mlm.bias', [V]) },
  ];
}

/** config.json fields both layouts share. vocab_size is the embedding row count (padded, e.g. 30528). */
export function sharedConfig(c: ModelConfig, special: SpecialTokenIds): Record<string, unknown> {
  return {
    architectures: ['BertForMaskedLM'],
    model_type: 'bert',
    vocab_size: paddedVocabSize(c),
    hidden_size: c.hidden,
    num_hidden_layers: c.layers,
    num_attention_heads: c.heads,
    intermediate_size: c.intermediate,
    hidden_act: HF_GELU,
    hidden_dropout_prob: c.hiddenDropout,
    attention_probs_dropout_prob: c.attentionDropout,
    max_position_embeddings: c.maxSeqLen,
    type_vocab_size: TYPE_VOCAB_SIZE,
    initializer_range: 0.02,
    layer_norm_eps: LAYER_NORM_EPS,
    pad_token_id: special.pad,
    tie_word_embeddings: true,
    torch_dtype: 'float32',
  };
}
