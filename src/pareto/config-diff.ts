/**
 * Stage 4 (text): configurations shown compactly. A sweep's runs usually share most config keys (size,
 * seqLen, vocab, lr, …) and differ in one or two (duration); printing every key gives a 300-column table.
 * The terminal table shows only the keys that vary between the rows shown, and the constant ones once above
 * it. (CSV and JSON keep every key.)
 */
type Config = Record<string, string | number | boolean>;

export interface ConfigDiff {
  /** Keys with one value in every config, as `k=v` pairs (sorted); '' when none. */
  common: string;
  /** Keys that vary (or are missing somewhere), sorted. */
  varying: string[];
  /** The short text of one config: its varying keys; the bare value when only one key varies. */
  label(config: Config): string;
}

/**
 * `recipes` (parallel to `configs`) names each row's recipe: recipe features (positions, feedForward, maskRatio, …)
 * whose value is the same in every row of a recipe are then left out of the varying keys, since the recipe column
 * already says them.
 */
/** The run settings a recipe fixes (src/config/run-config.ts recipeFeatureShape), and the recipe itself. */
const RECIPE_KEYS = new Set(['recipe', 'maskRatio', 'positions', 'feedForward', 'unpad', 'attentionDropout', 'vocabMultiple']);

export function configDiff(configs: readonly Config[], recipes?: readonly string[]): ConfigDiff {
  const keys = [...new Set(configs.flatMap((c) => Object.keys(c)))].sort();
  const constant = (k: string) => configs.every((c) => k in c && String(c[k]) === String(configs[0]![k]));
  const commonKeys = configs.length > 1 ? keys.filter(constant) : [];
  const fixedByRecipe = (k: string): boolean => {
    if (!recipes || recipes.length !== configs.length || !RECIPE_KEYS.has(k)) return false;
    if (k === 'recipe') return true;
    const seen = new Map<string, string>();
    return configs.every((c, i) => {
      const v = String(c[k]);
      const prior = seen.get(recipes[i]!);
      seen.set(recipes[i]!, v);
      return prior === undefined || prior === v;
    });
  };
  const varying = keys.filter((k) => !commonKeys.includes(k) && !fixedByRecipe(k));
  return {
    common: commonKeys.map((k) => `${k}=${String(configs[0]![k])}`).join(' '),
    varying,
    label(config) {
      const own = varying.filter((k) => k in config);
      if (varying.length === 1 && own.length === 1) return String(config[own[0]!]);
      return own.map((k) => `${k}=${String(config[k])}`).join(' ');
    },
  };
}
