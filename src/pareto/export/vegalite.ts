/** Vega-Lite export: each chart's spec, to open in the Vega editor or re-render elsewhere. */
import type { Exporter } from './exporter.js';

export const vegaLiteExporter: Exporter = {
  format: 'vega-lite',
  files: (ctx) => ctx.charts.map((c) => ({ name: `${c.name}.vl.json`, data: JSON.stringify(c.spec, null, 2) + '\n' })),
};
