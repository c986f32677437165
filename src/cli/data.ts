import type { CommandModule } from 'yargs';
import { checkGlueDir, loadGlueTask } from '../data/glue.js';
import { defaultCacheRoot, prepareData } from '../data/default-source.js';
import { majorityBaseline } from '../data/tasks.js';
import { UserError } from '../errors.js';
import { handler } from './common.js';

interface PrepareArgs {
  corpus?: string[];
  tokenizer: string;
  'cache-dir'?: string;
  'held-out': number;
}

const prepare: CommandModule<object, PrepareArgs> = {
  command: 'prepare',
  describe: 'Build the tokenizer and the token cache for a corpus (the embedded default unless --corpus is given)',
  builder: (y) =>
    y
      .usage(
        'mbench data prepare [--corpus FILES_OR_FOLDERS…] [--tokenizer NAME]\n\n' +
          'Tokenises the corpus once into a binary cache (tokens.bin + index) that pretraining reads; reruns reuse it.\n' +
          'Corpora: C4-format JSON lines (*.json, *.jsonl, optionally .gz; one {"text": …} per line) and plain text\n' +
          '(*.txt; paragraphs separated by blank lines). A deterministic held-out part is never used for training.',
      )
      .option('corpus', { type: 'string', array: true, describe: 'corpus files or folders [default: the embedded corpus: State of the Union, Brown, Moby-Dick]' })
      .option('tokenizer', {
        type: 'string',
        default: 'bert-base-uncased',
        describe: "'bert-base-uncased' (the real 30522-token vocabulary) or 'wordpiece-<size>' (trained on the corpus, size ≤ 30005)",
      })
      .option('cache-dir', { type: 'string', describe: `where caches live [default: $MBENCH_CACHE_DIR or ${defaultCacheRoot()}]` })
      .option('held-out', { type: 'number', default: 0.05, describe: 'fraction of documents held out from training (MLM evaluation, synthetic tasks)' })
      .strict(),
  handler: handler(async (a: PrepareArgs) => {
    const err = (line: string): boolean => process.stderr.write(line + '\n');
    if (!(a['held-out'] >= 0 && a['held-out'] < 1)) throw new UserError(`--held-out must be a fraction in [0, 1), got ${a['held-out']}`);
    const started = performance.now();
    let built = false;
    const data = await prepareData({
      corpus: a.corpus,
      tokenizer: a.tokenizer,
      cacheRoot: a['cache-dir'],
      heldOutFraction: a['held-out'],
      log: err,
      onProgress: (p) => {
        built = true;
        err(`  tokenising: ${p.documents} documents, ${(p.tokens / 1e6).toFixed(2)} M tokens, ${(p.tokens / p.seconds / 1e6).toFixed(2)} M tokens/s`);
      },
    });
    const m = data.cache.meta;
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(
      [
        `corpus     ${m.corpus.name}: ${m.documents} documents (${m.trainDocuments} train, ${m.heldOutDocuments} held out)`,
        `tokenizer  ${data.tokenizer.info.name} (id ${data.tokenizer.info.id}, ${data.tokenizer.info.vocabSize} tokens)`,
        `tokens     ${m.tokens} (${m.trainTokens} train), ${m.bytesPerToken} bytes each`,
        `cache      ${data.cache.dir}`,
        built
          ? `built in   ${m.buildSeconds.toFixed(1)} s wall (${(m.tokens / m.buildSeconds / 1e6).toFixed(2)} M tokens/s), ` +
            `${m.buildCpuSeconds.toFixed(1)} CPU s (${(m.tokens / m.buildCpuSeconds / 1e6).toFixed(2)} M tokens per CPU-second)`
          : `reused     (built earlier in ${m.buildSeconds.toFixed(1)} s; ${seconds.toFixed(1)} s to open)`,
      ].join('\n') + '\n',
    );
  }),
};

interface CheckArgs {
  'glue-dir': string;
  tasks?: string[];
}

const check: CommandModule<object, CheckArgs> = {
  command: 'check <glue-dir>',
  describe: 'Check a GLUE data folder: every task file present and well-formed; prints sizes and majority baselines',
  builder: (y) =>
    y
      .positional('glue-dir', { type: 'string', demandOption: true, describe: 'the GLUE data folder (CoLA/, SST-2/, MRPC/, STS-B/, QQP/, MNLI/, QNLI/, RTE/)' })
      .option('tasks', { type: 'string', array: true, describe: 'only these tasks (cola sst2 mrpc stsb qqp mnli qnli rte)' })
      .strict(),
  handler: handler((a: CheckArgs) => {
    const tasks = checkGlueDir(a['glue-dir'], a.tasks?.length ? a.tasks : undefined);
    for (const t of tasks) {
      const data = loadGlueTask(a['glue-dir'], t);
      const dev = Object.entries(data.dev)
        .map(([k, v]) => `${k} ${v.length}`)
        .join(', ');
      const base = Object.entries(majorityBaseline(data))
        .map(([k, v]) => `${k} ${v.toFixed(3)}`)
        .join(', ');
      process.stdout.write(`${t.padEnd(5)} train ${data.train.length}, ${dev}; majority-class baseline: ${base}\n`);
    }
    process.stdout.write(`ok: ${tasks.length} GLUE task${tasks.length === 1 ? '' : 's'} in ${a['glue-dir']}\n`);
  }),
};

export const command: CommandModule = {
  command: 'data <command>',
  describe: 'Prepare corpora and token caches; check a GLUE folder',
  builder: (y) => y.command(prepare as unknown as CommandModule).command(check as unknown as CommandModule).demandCommand(1).strict(),
  handler: () => {},
};
