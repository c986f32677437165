/**
 * Which Hugging Face layout a checkpoint's model fits, decided by its features (not its recipe's name, so
 * ablations land where their weights mean the same thing):
 *   positions learned + GELU MLP  → `bert` (transformers' BertForMaskedLM)
 *   positions alibi + GeGLU       → `mosaic-bert` (MosaicBERT's bert_layers.py)
 *   anything else                 → refused: neither class computes that model
 * Unpadding, dropout rates, the masking ratio and vocabulary padding never change what the weights compute,
 * so they are free in both.
 */
import { UserError } from '../errors.js';
import type { ModelConfig } from '../model/types.js';
import { HF_BERT } from './hf-bert.js';
import type { HfLayout } from './hf-shared.js';
import { MOSAIC_BERT } from './mosaic-bert.js';

export function chooseLayout(c: ModelConfig, recipe: string, source: string): HfLayout {
  if (c.positions === 'learned' && c.feedForward === 'gelu') return HF_BERT;
  if (c.positions === 'alibi' && c.feedForward === 'geglu') return MOSAIC_BERT;
  const why =
    c.positions === 'learned'
      ? "transformers' BertForMaskedLM has no gated (GeGLU) feed-forward, and MosaicBERT's bert_layers.py has no learned position embeddings"
      : "transformers' BertForMaskedLM has no ALiBi attention bias, and MosaicBERT's bert_layers.py has only the GeGLU feed-forward";
  throw new UserError(
    `${source}: recipe '${recipe}' (positions: ${c.positions}, feedForward: ${c.feedForward}) has no Hugging Face layout: ${why}. ` +
      'Export a recipe with learned positions + GELU (bert) or ALiBi + GeGLU (mosaic)',
  );
}
