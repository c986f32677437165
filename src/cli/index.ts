/**
 * The command table. `mbench <name>` loads only that command's module: the heavy libraries behind the others
 * (tfjs, vega, tinybench) stay unloaded, so every process — sweeps start one per run — starts fast.
 * `describe` is what `mbench --help` lists without loading anything; test/cli checks it matches the module's.
 */
import type { CommandModule } from 'yargs';

export interface CommandEntry {
  name: string;
  describe: string;
  load: () => Promise<{ command: CommandModule<object, any> }>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'sweep', describe: 'Run every pretraining + fine-tuning run a sweep file describes (locally or on Slurm), resumably', load: () => import('./sweep.js') },
  { name: 'pareto', describe: 'Pareto frontiers of score vs pretraining time/cost, speedup vs the baseline, charts', load: () => import('./pareto.js') },
  { name: 'kernels', describe: 'Measure kernel throughput (table, JSON) and check for regressions against a baseline', load: () => import('./kernels.js') },
  { name: 'pretrain', describe: 'Pretrain one encoder (masked-language modelling); rerun the same command to resume after a crash', load: () => import('./pretrain.js') },
  { name: 'finetune', describe: 'Fine-tune a pretrained checkpoint on micro-GLUE (offline) or GLUE and print per-task scores and the average', load: () => import('./finetune.js') },
  { name: 'export', describe: 'Export a pretrained checkpoint for Hugging Face transformers: safetensors weights, config, tokenizer files, model card', load: () => import('./export.js') },
  { name: 'data', describe: 'Prepare corpora and token caches; check a GLUE folder', load: () => import('./data.js') },
  { name: 'status', describe: 'Show each run of a sweep: done / running / failed / partial / pending / damaged, with scores so far', load: () => import('./status.js') },
  { name: 'run', describe: 'Run one run of a sweep: the folder `mbench sweep` prepared (executors call this; you rarely need to)', load: () => import('./run.js') },
  { name: 'backends', describe: 'List the compute backends, whether each is available (and why not), its device and estimated float32 peak', load: () => import('./backends.js') },
];
