/** HTML export: one offline page with every chart (interactive) under its heading, and the text tables. */
import { htmlPage } from '../chart/html.js';
import type { Exporter } from './exporter.js';

/** Each chart's heading on the page, by file stem. */
export const CHART_HEADINGS: Record<string, string> = {
  pareto: 'Pareto frontier',
  tasks: 'Per-task scores',
  curves: 'Learning curves (held-out MLM loss and accuracy)',
};

export const htmlExporter: Exporter = {
  format: 'html',
  files: (ctx) => [
    {
      name: 'pareto.html',
      data: htmlPage(
        `mbench pareto${ctx.report.sweep ? ` — ${ctx.report.sweep}` : ''}`,
        ctx.charts.map((c) => ({ id: `chart-${c.name}`, spec: c.spec, heading: CHART_HEADINGS[c.name] })),
        ctx.text,
      ),
    },
  ],
};
