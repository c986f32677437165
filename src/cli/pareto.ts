/** `mbench pareto`: argv → options → runPareto → tables on stdout, notes and file list on stderr. */
import type { Argv, CommandModule } from 'yargs';
import { runPareto } from '../pareto/run.js';
import { X_AXES } from '../pareto/types.js';
import { handler } from './common.js';

interface ParetoArgs {
  resultsDir: string;
  sweep?: string;
  baseline?: string;
  x: string;
  y: string;
  reference?: string;
  rule?: string[];
  level?: number[];
  intermediate: boolean;
  plot: boolean;
  csv: boolean;
  json: boolean;
  out?: string;
}

export const command: CommandModule<object, ParetoArgs> = {
  command: 'pareto [results-dir]',
  describe: 'Pareto frontiers of score vs pretraining time/cost, speedup vs the baseline, charts',
  builder: (y) =>
    y
      .usage(
        'mbench pareto [RESULTS_DIR] [options]\n\n' +
          'Reads finished runs (<RESULTS_DIR>/<sweep>/<run>/summary.json), averages repeats over pretraining seeds ' +
          "(mean, sd, 95% Student-t CI), finds each recipe's Pareto frontier and the overall one on --x (cost) vs --y " +
          "(score, or held-out MLM accuracy / loss: lower loss is better), and reports how much faster each recipe " +
          "reaches the baseline's values, its best included (interpolated along the frontiers and from fitted curves " +
          'y = c1 ∓ c2·exp(−(c3·t)^c4)). Runs of duration 0ba are random-init points at x = 0. Prints tables; --plot, --csv and --json ' +
          'write files to <RESULTS_DIR>/<sweep>/pareto/ (or --out), each replaced atomically.',
      )
      .positional('results-dir', { type: 'string', default: 'results', alias: 'results', describe: 'results root, or one sweep\'s folder (also --results, as mbench sweep takes it)' })
      .option('sweep', { type: 'string', describe: 'sweep folder under RESULTS_DIR (default: the only one)' })
      .option('baseline', { type: 'string', describe: 'recipe to compare against (default: bert when present); may be a --reference recipe' })
      .option('x', { type: 'string', default: 'hours', describe: `--x: cost axis, ${X_AXES.join(' | ')} (cost = hours × devices × price per device-hour)` })
      .option('y', { type: 'string', default: 'score', describe: '--y: value axis, score (average over tasks) | mlm-accuracy | mlm-loss (held-out MLM at 15% masking; lower loss is better) | a task name' })
      .option('reference', { type: 'string', describe: 'CSV of external points, header recipe,time,score[,seed,cost]; time in hours, score 0.803 or 80.3' })
      .option('rule', { type: 'string', array: true, nargs: 1, describe: 'dotted reference line "LABEL=VALUE" on the y axis, e.g. "BERT-Base (Devlin 2018)=0.803" (mlm-loss: nats); repeatable' })
      .option('level', { type: 'number', array: true, nargs: 1, describe: 'extra y level to time each recipe at (0.75 or 75; mlm-loss in nats, e.g. 2.5); repeatable' })
      .option('intermediate', { type: 'boolean', default: false, describe: 'count intermediate checkpoints in frontiers and speedups (always drawn)' })
      .option('plot', { type: 'boolean', default: false, describe: 'write Vega-Lite specs, SVG, PNG and an offline HTML page, learning curves (curves.*) from metrics.jsonl included (y axis set from the points; wider CI bands are clipped to the plot, true CIs in the tables)' })
      .option('csv', { type: 'boolean', default: false, describe: 'write runs.csv (every run) and aggregates.csv (per recipe × config)' })
      .option('json', { type: 'boolean', default: false, describe: 'write pareto.json (the full report)' })
      .option('out', { type: 'string', describe: 'output folder (default <RESULTS_DIR>/<sweep>/pareto)' })
      .example('mbench pareto --plot', 'tables + charts for the only sweep under results/')
      .example('mbench pareto results --sweep base --x cost --csv', 'frontier of score vs dollars')
      .example('mbench pareto --y mlm-loss --plot', 'held-out MLM loss frontier, speedups at bert\'s best loss, learning curves')
      .example('mbench pareto --reference published.csv --baseline BERT-Base --rule "BERT-Base=0.803" --plot', 'overlay published numbers') as unknown as Argv<ParetoArgs>, // yargs adds the camelCase resultsDir
  handler: handler(async (args: ParetoArgs) => {
    const result = await runPareto({
      resultsDir: args.resultsDir,
      sweep: args.sweep,
      baseline: args.baseline,
      x: args.x,
      y: args.y,
      reference: args.reference,
      rules: args.rule,
      levels: args.level,
      includeIntermediate: args.intermediate,
      plot: args.plot,
      csv: args.csv,
      json: args.json,
      outDir: args.out,
      onProgress: (line) => process.stderr.write(line + '\n'),
    });
    process.stdout.write(result.text);
    for (const w of result.warnings) process.stderr.write(`note: ${w}\n`);
    if (result.outDir) process.stderr.write(`wrote ${result.files.length} files to ${result.outDir}:\n${result.files.map((f) => `  ${f}`).join('\n')}\n`);
  }),
};
