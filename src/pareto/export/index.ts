/** The exporters by format, and which of them each CLI flag asks for. */
import { csvExporter } from './csv.js';
import type { Exporter } from './exporter.js';
import { htmlExporter } from './html.js';
import { jsonExporter } from './json.js';
import { pngExporter } from './png.js';
import { svgExporter } from './svg.js';
import { vegaLiteExporter } from './vegalite.js';

export { ExportContext, type Exporter, type OutputFile } from './exporter.js';

export const EXPORTERS = {
  csv: csvExporter,
  json: jsonExporter,
  'vega-lite': vegaLiteExporter,
  svg: svgExporter,
  png: pngExporter,
  html: htmlExporter,
} as const satisfies Record<string, Exporter>;

export type ExportFormat = keyof typeof EXPORTERS;

/** `--plot` writes the spec, SVG, PNG and the HTML page. */
export const PLOT_FORMATS: ExportFormat[] = ['vega-lite', 'svg', 'png', 'html'];
