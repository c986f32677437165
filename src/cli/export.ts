/** `mbench export`: a checkpoint (or a run folder's newest good one) as a Hugging Face folder. */
import { checkOutputFolder } from '../results/output-path.js';
import type { CommandModule } from 'yargs';
import { EXPORT_FORMATS, exportCheckpoint } from '../export/index.js';
import { handler } from './common.js';

interface Args {
  checkpoint: string;
  format: string;
  out: string;
  'cache-dir'?: string;
}

export const command: CommandModule<object, Args> = {
  command: 'export <checkpoint>',
  describe: 'Export a pretrained checkpoint for Hugging Face transformers: safetensors weights, config, tokenizer files, model card',
  builder: (y) =>
    y
      .usage(
        'mbench export CHECKPOINT --format hf --out DIR\n\n' +
          'CHECKPOINT is a checkpoint file (…/checkpoints/step-*.ckpt) or a run folder (mbench pretrain --out DIR, or ' +
          'results/<sweep>/<run>), whose newest checkpoint that verifies is used. DIR gets model.safetensors, config.json, ' +
          'vocab.txt, tokenizer_config.json, special_tokens_map.json and a model card README.md (numbers from the run\'s ' +
          'summary.json when there is one). bert-style models (learned positions, GELU MLP) load as transformers\' ' +
          'BertForMaskedLM; mosaic-style ones (ALiBi, GeGLU) in MosaicBERT\'s layout, which needs its custom code ' +
          '(bert_layers.py, see the card). Other feature mixes are refused. DIR must not exist or be empty; it appears ' +
          'complete or not at all. docs/export.md has the details.',
      )
      .positional('checkpoint', { type: 'string', demandOption: true, describe: 'a checkpoint file or a run folder' })
      .option('format', { type: 'string', default: 'hf', describe: `output format: ${EXPORT_FORMATS.join(', ')}` })
      .option('out', { type: 'string', demandOption: true, describe: 'the folder to create (must not exist, or be empty)' })
      .option('cache-dir', { type: 'string', describe: 'where trained tokenizers are stored [default: $MBENCH_CACHE_DIR or results/.cache]' })
      .example('$0 export results/quickstart/<run> --out hf/quickstart-mosaic', "a sweep run's final checkpoint")
      .example('$0 export runs/bert/checkpoints/step-00000200.ckpt --format hf --out hf/bert-200', 'one checkpoint')
      .strict(),
  handler: handler((a: Args) => {
    checkOutputFolder(a.out);
    const r = exportCheckpoint(a.checkpoint, {
      format: a.format,
      outDir: a.out,
      ...(a['cache-dir'] !== undefined && { cacheRoot: a['cache-dir'] }),
      warn: (line) => process.stderr.write(`export: warning: ${line}\n`),
    });
    process.stdout.write(
      `exported ${r.checkpoint} (step ${r.step}) as ${r.layout} for ${r.loader}: ${r.tensors} tensors, ${r.parameters} parameters\n` +
        r.files.map((f) => `  ${f}\n`).join(''),
    );
  }),
};
