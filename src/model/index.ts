/**
 * The model's public surface. Build a model from a recipe, size and vocabulary:
 *
 *   const config = buildModelConfig({ recipe: 'mosaic', size: 'tiny', vocabSize: 30522 });
 *   const model = createEncoder(config, seed);                      // deterministic from seed
 *   const { value, grads } = tf.variableGrads(() => model.mlmLoss(batch, stepSeed).loss,
 *                                             model.weights.map((w) => w.variable));
 *   const head = new ClassifierHead(config.hidden, numLabels, seed); // fine-tuning head on [CLS]
 *   model.importWeights(await model.exportWeights());                // checkpoints
 *
 * float32 only: tfjs has no bf16 and no low-precision LayerNorm (MosaicBERT's GPU tricks), so every recipe
 * runs in full precision here.
 */
export { createEncoder, Encoder, IGNORE_LABEL, type Encoded } from './encoder.js';
export { ClassifierHead, classificationLoss, classifierLogits, regressionLoss } from './classifier.js';
export {
  buildModelConfig,
  EVAL_MLM_RATIO,
  mlmRatioOf,
  paddedVocabSize,
  RECIPE_NAMES,
  RECIPES,
  SIZE_NAMES,
  SIZES,
  validateModelConfig,
  type ModelConfigRequest,
  type Recipe,
  type RecipeName,
} from './recipes.js';
export type * from './types.js';
