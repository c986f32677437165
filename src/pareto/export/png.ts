/** PNG export: each chart's SVG rasterized by resvg at 2× with system fonts. */
import type { Exporter } from './exporter.js';

export const pngExporter: Exporter = {
  format: 'png',
  files: async (ctx) => {
    const { svgToPng } = await import('../chart/render.js'); // loaded lazily, like vega
    return Promise.all(ctx.charts.map(async (c) => ({ name: `${c.name}.png`, data: svgToPng(await ctx.svg(c)) })));
  },
};
