/** SVG export: each chart rendered headless by vega. */
import type { Exporter } from './exporter.js';

export const svgExporter: Exporter = {
  format: 'svg',
  files: async (ctx) => Promise.all(ctx.charts.map(async (c) => ({ name: `${c.name}.svg`, data: await ctx.svg(c) }))),
};
