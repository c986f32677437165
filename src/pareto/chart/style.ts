/** The look shared by every mbench chart: fonts that exist headless (DejaVu), a colour per recipe, sizes. */
import type { Config } from 'vega-lite';

/** DejaVu Sans is on the machines mbench renders on; the browser falls back to its sans-serif. */
export const FONT = 'DejaVu Sans, Verdana, sans-serif';

/** Colour-blind-friendly categorical colours (Tableau 10 order); the baseline takes the first. */
export const PALETTE = ['#4c78a8', '#e45756', '#54a24b', '#f58518', '#b279a2', '#72b7b2', '#9d755d', '#eeca3b', '#ff9da6', '#bab0ac'];

/** Point shapes by source, so intermediate checkpoints and reference points read apart from full runs. */
export const SHAPES: Record<string, string> = {
  'full schedule': 'circle',
  'intermediate checkpoint': 'diamond',
  'random init': 'square',
  reference: 'cross',
};

export const CHART_CONFIG: Config = {
  font: FONT,
  background: 'white',
  padding: 12,
  view: { stroke: '#ddd' },
  title: { fontSize: 16, subtitleFontSize: 12, subtitleColor: '#555', anchor: 'start', offset: 12 },
  axis: { labelFontSize: 12, titleFontSize: 13, titleFontWeight: 'normal', gridColor: '#eee', tickColor: '#999', domainColor: '#999' },
  legend: { labelFontSize: 12, titleFontSize: 12, titleFontWeight: 'bold', symbolSize: 90, labelLimit: 260 },
  header: { labelFontSize: 13, labelFontWeight: 'bold' },
};
