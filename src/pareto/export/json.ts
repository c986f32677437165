/** JSON export: the whole ParetoReport (schemaVersion 1) — points, aggregates, frontiers, fits, speedups. */
import type { Exporter } from './exporter.js';

export const jsonExporter: Exporter = {
  format: 'json',
  files: (ctx) => [{ name: 'pareto.json', data: JSON.stringify(ctx.report, null, 2) + '\n' }],
};
