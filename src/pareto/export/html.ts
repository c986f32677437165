/** HTML export: one offline page with every chart (interactive) and the text tables. */
import { htmlPage } from '../chart/html.js';
import type { Exporter } from './exporter.js';

export const htmlExporter: Exporter = {
  format: 'html',
  files: (ctx) => [
    {
      name: 'pareto.html',
      data: htmlPage(
        `mbench pareto${ctx.report.sweep ? ` — ${ctx.report.sweep}` : ''}`,
        ctx.charts.map((c) => ({ id: `chart-${c.name}`, spec: c.spec })),
        ctx.text,
      ),
    },
  ],
};
