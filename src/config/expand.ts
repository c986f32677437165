/**
 * Sweep file → RunSpec[]: validate, resolve recipes, expand the matrix, cross with seeds, attach fine-tuning and
 * intermediate evaluation points, hash ids, and refuse duplicates. Pure apart from reading the file.
 */
import { BadFileError } from '../errors.js';
import { checkSegment } from '../results/store.js';
import { parseDuration, parseRunDuration, fractionOf, type Duration } from './duration.js';
import { expandMatrix, MatrixProblem, describe, type Combination } from './matrix.js';
import { BUILTIN_RECIPES, RECIPE_FEATURE_KEYS, type RecipeFeatures } from './recipes.js';
import { BUILTIN_CORPUS } from '../data/builtin-source.js';
import { BUILTIN_DEFAULTS, ResolvedRunConfigSchema, type ResolvedRunConfig, type RunConfigKey, type Scalar } from './run-config.js';
import { identity, shortHash, RUN_SPEC_SCHEMA_VERSION, type FinetuneSpec, type RunSpec } from './run-spec.js';
import { SweepFileSchema, type SweepFile } from './sweep-schema.js';
import { YamlSource, type Path } from './yaml-source.js';
import { didYouMean, UserError } from '../errors.js';
import { batchSplit } from '../train/batch-split.js';

/** The most runs a sweep may expand to unless it sets `maxRuns`: far beyond any study, short of exhausting memory. */
export const DEFAULT_MAX_RUNS = 100_000;

export interface SweepPlan {
  file: string;
  sweep: SweepFile;
  runs: RunSpec[];
}

/** Reads, validates and expands a sweep file; every problem is a BadFileError naming file:line:col. */
export function loadSweep(file: string): SweepPlan {
  const src = YamlSource.read(file);
  return planFromSource(src);
}

export function planFromSource(src: YamlSource): SweepPlan {
  const sweep = src.validate(SweepFileSchema);
  return { file: src.file, sweep, runs: expandSweep(sweep, src) };
}

export function expandSweep(sweep: SweepFile, src: YamlSource): RunSpec[] {
  const fail = (path: Path, message: string, key?: string): never => {
    throw src.problem(path, message, key);
  };
  try {
    checkSegment('sweep name', sweep.name);
  } catch (err) {
    fail(['name'], (err as Error).message);
  }
  const recipes = resolveRecipes(sweep, fail);
  const recipeNames = Object.keys(recipes);
  if (!recipes[sweep.baseline]) fail(['baseline'], `unknown recipe '${sweep.baseline}'${didYouMean(sweep.baseline, recipeNames)}; known: ${recipeNames.join(', ')}`);

  const { include = [], exclude = [], ...axes } = sweep.matrix;
  const maxRuns = sweep.maxRuns ?? DEFAULT_MAX_RUNS;
  let combos: Combination[];
  try {
    combos = expandMatrix({
      axes: Object.fromEntries(Object.entries(axes).filter(([, v]) => v !== undefined)) as Record<string, Scalar[]>,
      include: include.map(dropUndefined) as Combination[],
      exclude: exclude.map(dropUndefined) as Combination[],
      maxCombinations: Math.floor(maxRuns / sweep.seeds.length),
      capNote: `maxRuns ${maxRuns.toLocaleString('en-US')} / ${sweep.seeds.length} seed${sweep.seeds.length === 1 ? '' : 's'}`,
    });
  } catch (err) {
    if (err instanceof MatrixProblem) fail(err.path, err.message);
    throw err;
  }

  const evalAt = (sweep.evalAt ?? []).map((t) => parseDuration(t) as Duration);
  const finetune = finetuneSpec(sweep, fail);
  const runs: RunSpec[] = [];
  const seenAt = new Map<string, string>();
  let anyIntermediate = false;
  for (const combo of combos) {
    const config = resolveConfig(combo, sweep, recipes, fail);
    const duration = parseRunDuration(config.duration) as Duration;
    if (config.corpus === BUILTIN_CORPUS && finetune && sweep.runner === 'train') {
      fail(['finetune'], `run ${describe(combo)}: the 'builtin' corpus has its own word-level tokenizer, which fine-tuning cannot use; use corpus: default (or a path), or finetune: { suite: none }`);
    }
    if (duration.value === 0 && !finetune) {
      fail(['finetune'], `run ${describe(combo)}: duration 0ba is a random-init point (no pretraining), which only means something when it is fine-tuned; add a finetune: section or drop 0ba from the sweep`);
    }
    if (duration.unit === 'dur') fail(['matrix'], `run ${describe(combo)}: duration '${config.duration}' is a fraction; give the run a length (ba, sp, tok, ep, s, m, h)`);
    const points: string[] = [];
    evalAt.forEach((p, i) => {
      const f = fractionOf(p, duration);
      if (f === null) fail(['evalAt', i], `'${p.value}${p.unit}' cannot be compared with the duration '${config.duration}' of run ${describe(combo)}; use the same unit or a fraction (e.g. 0.5dur)`);
      if (f! > 0 && f! < 1) points.push(sweep.evalAt![i]!);
    });
    anyIntermediate ||= points.length > 0;
    try {
      batchSplit(config.batchSize, sweep.devices, sweep.microbatch, { batch: 'batchSize', devices: 'devices', microbatch: 'microbatch' });
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      fail([sweep.microbatch !== undefined && config.batchSize % sweep.devices === 0 ? 'microbatch' : 'devices'], `run ${describe(combo)}: ${err.message}`);
    }
    for (const seed of sweep.seeds) {
      const base = {
        schemaVersion: RUN_SPEC_SCHEMA_VERSION,
        sweep: sweep.name,
        name: '',
        runner: sweep.runner,
        recipe: config.recipe,
        baseline: sweep.baseline,
        config,
        seed,
        finetune,
        devices: sweep.devices,
        microbatch: sweep.microbatch ?? null,
        pricePerDeviceHour: sweep.pricePerDeviceHour ?? null,
        mock: sweep.runner === 'mock' ? { stepMs: sweep.mock?.stepMs ?? 10, failWithExitCode: sweep.mock?.failSeeds.includes(seed) ? 3 : null } : null,
      } as const;
      const id = shortHash(identity({ ...base, evalAt: points }));
      const where = `${describe(combo)} seed ${seed}`;
      const prior = seenAt.get(id);
      if (prior !== undefined) fail(['matrix'], `duplicate run: ${where} is the same run as ${prior}; remove one of them`);
      seenAt.set(id, where);
      runs.push({ ...base, id, intermediates: points.map((at) => ({ id: shortHash({ of: id, at }), name: '', at })) });
    }
  }
  if (evalAt.length && !anyIntermediate) fail(['evalAt'], 'no run is longer than any of these points, so nothing would be evaluated');
  if (runs.length > maxRuns) fail(['matrix'], `the sweep has ${runs.length.toLocaleString('en-US')} runs (includes added), above the cap of ${maxRuns.toLocaleString('en-US')} (maxRuns); shrink the matrix or raise maxRuns`);
  nameRuns(runs, recipes);
  if (!runs.some((r) => r.recipe === sweep.baseline)) {
    const used = [...new Set(runs.map((r) => r.recipe))].join(', ');
    fail(['baseline'], `the baseline recipe '${sweep.baseline}'${src.where(['baseline']) === src.where([]) ? ' (the default)' : ''} has no run in the matrix; set baseline: to one of ${used}, or add it to the matrix`);
  }
  return runs;
}

type Fail = (path: Path, message: string, key?: string) => never;

function resolveRecipes(sweep: SweepFile, fail: Fail): Record<string, RecipeFeatures> {
  const out: Record<string, RecipeFeatures> = { ...BUILTIN_RECIPES };
  const defs = sweep.recipes ?? {};
  const resolving = new Set<string>();
  const resolve = (name: string): RecipeFeatures => {
    const done = out[name];
    if (done) return done;
    const def = defs[name]!;
    if (resolving.has(name)) fail(['recipes', name, 'base'], `recipe '${name}' is defined in terms of itself`);
    resolving.add(name);
    const known = [...Object.keys(BUILTIN_RECIPES), ...Object.keys(defs)];
    if (!known.includes(def.base)) fail(['recipes', name, 'base'], `unknown recipe '${def.base}'${didYouMean(def.base, known)}; known: ${known.join(', ')}`);
    const { base, ...overrides } = def;
    const features = { ...resolve(base), ...dropUndefined(overrides) } as RecipeFeatures;
    out[name] = features;
    return features;
  };
  for (const name of Object.keys(defs)) {
    if (BUILTIN_RECIPES[name]) fail(['recipes'], `'${name}' is a built-in recipe; give yours another name`, name);
    try {
      checkSegment('recipe name', name);
    } catch (err) {
      fail(['recipes'], (err as Error).message, name);
    }
    resolve(name);
  }
  return out;
}

/** Built-in defaults < the sweep's defaults < the matrix cell, then the recipe's features for keys still unset. */
function resolveConfig(combo: Combination, sweep: SweepFile, recipes: Record<string, RecipeFeatures>, fail: Fail): ResolvedRunConfig {
  const merged: Record<string, Scalar> = { ...dropUndefined(BUILTIN_DEFAULTS), ...(dropUndefined(sweep.defaults ?? {}) as Combination), ...combo };
  const recipeName = String(merged.recipe);
  const features = recipes[recipeName];
  if (!features) {
    const known = Object.keys(recipes);
    fail(['matrix'], `run ${describe(combo)}: unknown recipe '${recipeName}'${didYouMean(recipeName, known)}; known: ${known.join(', ')}`);
  }
  for (const k of RECIPE_FEATURE_KEYS) if (merged[k] === undefined) merged[k] = features![k];
  if (merged.duration === undefined) fail(['matrix'], `run ${describe(combo)} has no duration: set defaults.duration or a matrix axis 'duration' (e.g. [200ba, 400ba])`);
  const parsed = ResolvedRunConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    fail(['matrix'], `run ${describe(combo)}: ${issue.path.join('.')}: ${issue.message}`);
  }
  // Keys sorted, so spec.json reads the same whatever order the schema lists them in.
  return sortObject(parsed.data!);
}

function finetuneSpec(sweep: SweepFile, fail: Fail): FinetuneSpec | null {
  const f = sweep.finetune;
  if (!f || f.suite === 'none') return null;
  if (f.suite === 'glue' && !f.glueDir) fail(['finetune'], "suite 'glue' needs glueDir: the folder holding CoLA/, SST-2/, MRPC/ …");
  if (new Set(f.seeds).size !== f.seeds.length) fail(['finetune', 'seeds'], 'a seed is listed twice');
  if (f.tasks && new Set(f.tasks).size !== f.tasks.length) fail(['finetune', 'tasks'], 'a task is listed twice');
  if (f.method === 'probe' && (f.epochs !== undefined || f.lr !== undefined)) fail(['finetune', 'method'], 'a linear probe has no epochs or learning rate to set; remove epochs/lr or use method: finetune');
  return { suite: f.suite, tasks: f.tasks ?? null, seeds: f.seeds, ...(f.method === 'probe' && { method: 'probe' as const }), glueDir: f.glueDir ?? null, epochs: f.epochs ?? null, maxTrainExamples: f.maxTrainExamples ?? null, lr: f.lr ?? null };
}

/** Short labels for run names, as in `mosaic-tiny-200ba-m0.3-v30528-s1`. */
const NAME_LABELS: Record<string, string> = { maskRatio: 'm', vocabSize: 'v', seqLen: 'seq', batchSize: 'b' };

/**
 * Names like `mosaic-tiny-200ba-s1`, plus every other key that varies between runs of the same recipe or
 * departs from the recipe's preset (`-m0.4`), so names tell runs apart without listing the recipe's features.
 */
function nameRuns(runs: RunSpec[], recipes: Record<string, RecipeFeatures>): void {
  const keys = (Object.keys(runs[0]?.config ?? {}) as RunConfigKey[]).filter((k) => !['recipe', 'size', 'duration'].includes(k));
  // linear in the runs: per key, does any run depart from its recipe's preset, or any recipe hold two values?
  const shown = keys.filter((k) => {
    const firstValue = new Map<string, Scalar | undefined>();
    for (const r of runs) {
      const value = r.config[k];
      const preset = (recipes[r.recipe] as Partial<Record<RunConfigKey, Scalar>> | undefined)?.[k];
      if (preset !== undefined && preset !== value) return true;
      if (!firstValue.has(r.recipe)) firstValue.set(r.recipe, value);
      else if (firstValue.get(r.recipe) !== value) return true;
    }
    return false;
  });
  for (const r of runs) {
    const parts = [r.recipe, r.config.size, r.config.duration, ...shown.map((k) => `${NAME_LABELS[k] ?? k}${String(r.config[k])}`), `s${r.seed}`];
    r.name = parts.join('-');
    for (const p of r.intermediates) p.name = `${r.name}@${p.at}`;
  }
}

function dropUndefined<T extends Record<string, unknown>>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}

function sortObject<T extends object>(o: T): T {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k as keyof T]])) as T;
}

export { BadFileError };
