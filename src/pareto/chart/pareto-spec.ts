/**
 * Stage 4b: the main chart, after MosaicBERT's Figure 1 — score (or held-out MLM accuracy / loss) vs
 * pretraining time (or cost), each recipe's line starting at its random-init point when there is one, one coloured
 * line per recipe through its Pareto frontier, a 95% CI band over pretraining seeds around it, every
 * configuration as a point (dominated ones faint, intermediate checkpoints and reference points in their own
 * shapes), the overall frontier as a grey staircase under everything, and dotted reference rules.
 */
import type { TopLevelSpec } from 'vega-lite';
import { isMlmAxis, yAxisInfo } from '../axes.js';
import type { ParetoReport } from '../types.js';
import { chartData, KIND_LABEL, type ChartData } from './data.js';
import { CLIPPED_NOTE } from './domain.js';
import { CHART_CONFIG, PALETTE, SHAPES } from './style.js';

export const CHART_WIDTH = 640;
export const CHART_HEIGHT = 400;

const AXIS_TITLES: Record<ParetoReport['x'], string> = {
  hours: 'time',
  cost: 'cost',
  tokens: 'tokens',
  flops: 'compute',
};

/** Colour by recipe in legend order (baseline first), the same colour in every chart; `only` limits the legend. */
export function colorScale(data: Pick<ChartData, 'recipes'>, only?: ReadonlySet<string>) {
  const shown = data.recipes.filter((r) => !only || only.has(r));
  return { domain: shown, range: shown.map((r) => PALETTE[data.recipes.indexOf(r) % PALETTE.length]!) };
}

/** The colour channel; legend symbols opaque although bands are faint. */
export function colorEncoding(data: Pick<ChartData, 'recipes'>, only?: ReadonlySet<string>) {
  const scale = colorScale(data, only);
  return {
    field: 'recipe',
    type: 'nominal' as const,
    title: 'Recipe',
    scale,
    sort: scale.domain,
    legend: { symbolOpacity: 1, symbolType: 'circle' },
  };
}

export function shapeScale(data: ChartData) {
  const present = new Set(data.rows.map((r) => r.kind));
  const kinds = Object.values(KIND_LABEL).filter((k) => present.has(k));
  return { domain: kinds, range: kinds.map((k) => SHAPES[k]!) };
}

/** SI-prefixed axis labels for token and FLOP counts. */
export const axisFormat = (data: ChartData) =>
  data.scale.format ? { axis: { format: data.scale.format, labelExpr: "datum.value === 0 ? '0' : datum.label" } } : {};

export function paretoSpec(report: ParetoReport, data: ChartData = chartData(report)): TopLevelSpec {
  // x from zero with 4% headroom so the last point is not cut by the frame (padding would go below zero)
  const xMax = Math.max(...data.rows.map((r) => r.x)) * 1.04;
  const xField = { field: 'x', type: 'quantitative' as const, title: data.scale.title, scale: { zero: true, nice: true, domainMax: xMax }, ...axisFormat(data) };
  // y from the points with headroom (./domain.ts), not from the CIs: bands and bars beyond it are clipped
  const yScale = { domain: [data.yRange.lo, data.yRange.hi], zero: false, nice: false };
  // about one label per 50 px: d3 would pick 0.5-steps (15 labels) on a 7-point range
  const yAxis = yAxisInfo(report.y);
  const yField = { field: 'y', type: 'quantitative' as const, title: yAxis.title, scale: yScale, axis: { tickCount: 8 } };
  const yBand = { field: 'bandLo', type: 'quantitative' as const, scale: yScale };
  const color = colorEncoding(data);
  const seeds = Math.max(...data.rows.map((r) => r.n));
  const subtitle = [
    seeds > 1
      ? `Mean over up to ${seeds} pretraining seeds; bands and bars = 95% CI (Student t).`
      : 'One pretraining seed per point (no confidence interval).',
    ...(data.yRange.clipped ? [CLIPPED_NOTE] : []),
    `Lines join each recipe's Pareto frontier; grey staircase = frontier over all recipes${report.baseline ? `; baseline: ${report.baseline}` : ''}.`,
    ...(isMlmAxis(report.y) ? ['Held-out MLM: the masked tokens of held-out text at 15% masking, evaluated after pretraining.'] : []),
    ...(report.yDirection === 'lower' ? ['Lower is better: the frontier falls with cost.'] : []),
    ...(data.rows.some((r) => r.kind === KIND_LABEL['random-init']) ? ['Squares at 0: random init (no pretraining), where each line starts.'] : []),
  ];
  const tooltip = [
    { field: 'recipe', title: 'recipe' },
    { field: 'config', title: 'config' },
    { field: 'kind', title: 'source' },
    { field: 'n', title: 'seeds' },
    { field: 'x', title: data.scale.title, format: '.4~g' },
    { field: 'y', title: yAxis.short, format: yAxis.tooltipFormat },
    { field: 'yLo', title: 'CI low', format: yAxis.tooltipFormat },
    { field: 'yHi', title: 'CI high', format: yAxis.tooltipFormat },
    { field: 'xLo', title: `${AXIS_TITLES[report.x]} CI low`, format: '.4~g' },
    { field: 'xHi', title: `${AXIS_TITLES[report.x]} CI high`, format: '.4~g' },
  ];
  const frontierRows = { filter: 'datum.recipeFrontier' };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `${yAxis.heading} vs pretraining ${AXIS_TITLES[report.x]}${report.sweep ? ` — ${report.sweep}` : ''}`,
      subtitle,
    },
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    config: CHART_CONFIG,
    data: { values: data.rows },
    layer: [
      {
        // the overall Pareto frontier: a wide grey staircase under the recipe lines
        transform: [{ filter: 'datum.overallFrontier' }],
        mark: { type: 'line', interpolate: 'step-after', stroke: '#000', strokeWidth: 9, opacity: 0.1, strokeCap: 'round' },
        encoding: { x: xField, y: yField, order: { field: 'x' } },
      },
      {
        transform: [frontierRows],
        mark: { type: 'area', opacity: 0.16, clip: true },
        encoding: {
          x: xField,
          y: yBand,
          y2: { field: 'bandHi' },
          color,
          detail: { field: 'series' },
        },
      },
      // each recipe's frontier: solid for measured runs, dashed for reference points
      ...[
        { test: "datum.kind !== 'reference'", strokeDash: [1, 0] },
        { test: "datum.kind === 'reference'", strokeDash: [6, 3] },
      ].map(({ test, strokeDash }) => ({
        transform: [{ filter: `datum.recipeFrontier && ${test}` }],
        mark: { type: 'line', strokeWidth: 2.5, strokeDash },
        encoding: { x: xField, y: yField, color, detail: { field: 'series' }, order: { field: 'x' } },
      })),
      {
        // error bars: the 95% CI of every point (dominated ones included)
        transform: [{ filter: 'datum.n > 1' }],
        mark: { type: 'rule', strokeWidth: 1.2, opacity: 0.6, clip: true },
        encoding: { x: xField, y: yBand, y2: { field: 'bandHi' }, color },
      },
      {
        mark: { type: 'point', filled: true, strokeWidth: 1.5 },
        encoding: {
          x: xField,
          y: yField,
          color,
          shape: { field: 'kind', type: 'nominal', title: 'Point', scale: shapeScale(data) },
          size: { condition: { test: 'datum.overallFrontier', value: 120 }, value: 55 },
          opacity: { condition: { test: 'datum.recipeFrontier', value: 1 }, value: 0.35 },
          stroke: { condition: { test: 'datum.overallFrontier', value: '#222' }, value: null },
          tooltip,
        },
      },
      ...ruleLayers(data),
    ],
  } as TopLevelSpec;
}

/** Dotted horizontal reference rules (published scores), labelled at their left end. */
export function ruleLayers(data: ChartData): object[] {
  if (!data.rules.length) return [];
  const values = { values: data.rules };
  return [
    {
      data: values,
      mark: { type: 'rule', strokeDash: [2, 3], strokeWidth: 1.5, color: '#444' },
      encoding: { y: { field: 'y', type: 'quantitative' } },
    },
    {
      data: values,
      mark: { type: 'text', align: 'left', baseline: 'bottom', dx: 4, dy: -3, fontSize: 11, color: '#333', x: 0 },
      encoding: { y: { field: 'y', type: 'quantitative' }, text: { field: 'label' } },
    },
  ];
}
