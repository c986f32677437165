/**
 * The exported folder's README.md, a Hugging Face model card: YAML front matter, what the model is (recipe,
 * features, size, tokenizer), what its pretraining cost and reached (steps, tokens, wall time, device, held-out
 * MLM loss/accuracy, fine-tuning scores) and how to load it. Pure: facts in, Markdown out. A fact mbench did not
 * record for this checkpoint is written as "not recorded", never guessed.
 */
import type { ModelFeatures, SizeName } from '../model/types.js';
import type { FinetuneResult } from '../results/summary.js';
import type { HfLayout } from './hf-shared.js';
import { MOSAIC_CODE_FILES } from './mosaic-bert.js';

export interface CardFacts {
  /** Heading, e.g. the run name or the checkpoint file. */
  title: string;
  layout: HfLayout['name'];
  loader: string;
  recipe: string;
  features: ModelFeatures;
  size: SizeName;
  layers: number;
  hidden: number;
  heads: number;
  intermediate: number;
  maxSeqLen: number;
  parameters: number;
  tokenizer: { name: string; kind: 'wordpiece' | 'word'; size: number };
  vocabRows: number;
  step: number;
  totalSteps: number | null;
  finished: boolean;
  tokens: number | null;
  wallSeconds: number | null;
  device: string | null;
  backend: string | null;
  evalLoss: number | null;
  evalAccuracy: number | null;
  finetune: FinetuneResult | null;
  score: number | null;
  /** Where the numbers came from, one phrase each ("summary.json of the run", "the checkpoint header"). */
  sources: string[];
  mbenchVersion: string;
}

const NOT_RECORDED = 'not recorded';

const or = <T>(v: T | null, show: (x: T) => string): string => (v === null || (typeof v === 'number' && !Number.isFinite(v)) ? NOT_RECORDED : show(v));

/** 1234567 → "1,234,567" (locale-independent). */
function grouped(n: number): string {
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Seconds as "12.3 s", "4.5 min" or "2.25 h". */
export function wallTimeText(s: number): string {
  if (s < 120) return `${s.toFixed(1)} s`;
  if (s < 7200) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(2)} h`;
}

function featureText(f: ModelFeatures): string {
  return [
    f.positions === 'alibi' ? 'ALiBi attention bias (no position embeddings)' : 'learned absolute position embeddings',
    f.feedForward === 'geglu' ? 'GeGLU feed-forward' : 'GELU MLP feed-forward',
    f.unpad ? 'unpadded' : 'padded',
    `attention dropout ${f.attentionDropout}`,
    `hidden dropout ${f.hiddenDropout}`,
    f.vocabMultiple > 1 ? `vocabulary rows padded to a multiple of ${f.vocabMultiple}` : 'vocabulary rows as the tokenizer',
  ].join('; ');
}

function finetuneSection(f: CardFacts): string[] {
  if (!f.finetune) return ['## Fine-tuning', '', `Fine-tuning scores: ${NOT_RECORDED}.`];
  const lines = ['## Fine-tuning', '', `Suite \`${f.finetune.suite}\`, seeds ${f.finetune.seeds.join(', ')}; scores ×100, mean over seeds.`, '', '| task | metric | score | per seed |', '| --- | --- | ---: | --- |'];
  for (const [name, t] of Object.entries(f.finetune.tasks)) {
    lines.push(`| ${name} | ${t.metric} | ${(t.score * 100).toFixed(1)} | ${t.perSeed.map((s) => (s * 100).toFixed(1)).join(', ')} |`);
  }
  lines.push(`| **average** | | **${or(f.score, (s) => (s * 100).toFixed(1))}** | |`);
  return lines;
}

function loadingSection(f: CardFacts): string[] {
  if (f.layout === 'bert') {
    return [
      '## Loading',
      '',
      "The weights use transformers' own `BertForMaskedLM` layout; no custom code is needed:",
      '',
      '```python',
      'from transformers import AutoModelForMaskedLM, AutoTokenizer',
      'model = AutoModelForMaskedLM.from_pretrained("path/to/this/folder")',
      'tokenizer = AutoTokenizer.from_pretrained("path/to/this/folder")',
      '```',
    ];
  }
  return [
    '## Loading',
    '',
    "The weights use MosaicBERT's layout, whose `BertForMaskedLM` is custom code (config.json's `auto_map`). Copy",
    `${MOSAIC_CODE_FILES.map((n) => `\`${n}\``).join(', ')} from the Hugging Face repository \`mosaicml/mosaic-bert-base\``,
    '(or `examples/benchmarks/bert/src/` of github.com/mosaicml/examples) into this folder, then:',
    '',
    '```python',
    'from transformers import AutoModelForMaskedLM, AutoTokenizer',
    'model = AutoModelForMaskedLM.from_pretrained("path/to/this/folder", trust_remote_code=True)',
    'tokenizer = AutoTokenizer.from_pretrained("path/to/this/folder")',
    '```',
    '',
    "bert_layers.py's GeGLU uses the erf form of GELU where mbench used the tanh form (below 5e-4 per activation),",
    'so its logits differ slightly from mbench\'s.',
  ];
}

export function modelCard(f: CardFacts): string {
  const steps = f.totalSteps !== null ? `${f.step} of ${f.totalSteps}` : `${f.step}`;
  const rows: Array<[string, string]> = [
    ['recipe', `\`${f.recipe}\`: ${featureText(f.features)}`],
    ['size', `\`${f.size}\`: ${f.layers} layer${f.layers === 1 ? '' : 's'}, hidden ${f.hidden}, ${f.heads} heads, feed-forward ${f.intermediate}; ${grouped(f.parameters)} parameters`],
    ['tokenizer', `${f.tokenizer.name} (${f.tokenizer.kind === 'word' ? 'word-level' : 'WordPiece'}, ${grouped(f.tokenizer.size)} tokens; ${grouped(f.vocabRows)} embedding rows)`],
    ['pretraining steps', `${steps}${f.finished ? ' (finished)' : ' (an intermediate checkpoint)'}`],
    ['tokens seen', or(f.tokens, grouped)],
    ['pretraining wall time', or(f.wallSeconds, (s) => `${wallTimeText(s)} (training only: evaluation and checkpoint I/O excluded)`)],
    ['device', or(f.device, (d) => (f.backend ? `${d} (tfjs backend ${f.backend})` : d))],
    ['held-out MLM loss (15% masking)', or(f.evalLoss, (l) => l.toFixed(4))],
    ['held-out MLM accuracy (15% masking)', or(f.evalAccuracy, (a) => `${(a * 100).toFixed(2)}%`)],
  ];
  const lines = [
    '---',
    'library_name: transformers',
    'pipeline_tag: fill-mask',
    'tags:',
    '- mbench',
    `- ${f.layout === 'bert' ? 'bert' : 'mosaic-bert'}`,
    '- masked-lm',
    '---',
    '',
    `# ${f.title}`,
    '',
    `A BERT-style encoder pretrained with masked-language modelling by mbench ${f.mbenchVersion}, exported for`,
    `${f.loader}. float32 throughout (mbench trains without bf16 or low-precision LayerNorm).`,
    '',
    '| | |',
    '| --- | --- |',
    ...rows.map(([k, v]) => `| ${k} | ${v.replace(/\|/g, '\\|')} |`),
    '',
    `Numbers from ${f.sources.join('; ')}.`,
    '',
    ...finetuneSection(f),
    '',
    ...loadingSection(f),
  ];
  if (f.tokenizer.kind === 'word') {
    lines.push(
      '',
      "The vocabulary is mbench's built-in word-level demo vocabulary. BertTokenizer reads it, but splits words at",
      'apostrophes where mbench did not, so such words become `[UNK]`.',
    );
  }
  return lines.join('\n') + '\n';
}
