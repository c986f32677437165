/**
 * Stage 4b': the second chart — each fine-tuning task's score vs pretraining time, one small panel per task,
 * a line per recipe through its full-schedule points with 95% CI bands over seeds.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ParetoReport } from '../types.js';
import { chartData, type ChartData } from './data.js';
import { CLIPPED_NOTE } from './domain.js';
import { axisFormat, colorEncoding, shapeScale } from './pareto-spec.js';
import { CHART_CONFIG } from './style.js';

export function tasksSpec(report: ParetoReport, data: ChartData = chartData(report)): TopLevelSpec | null {
  if (!data.taskRows.length) return null;
  // only recipes with task scores get a legend entry (reference rows have none)
  const withTasks = new Set(data.taskRows.map((r) => r.recipe));
  data = { ...data, rows: data.rows.filter((r) => withTasks.has(r.recipe)) };
  const x = { field: 'x', type: 'quantitative' as const, title: data.scale.title, scale: { zero: true }, ...axisFormat(data) };
  const y = { field: 'y', type: 'quantitative' as const, title: 'Task score (×100)', scale: { zero: false }, axis: { format: '~r' } };
  const color = colorEncoding(data, withTasks);
  const lines = { filter: "datum.kind !== 'intermediate checkpoint'" };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `Per-task scores vs pretraining ${report.x === 'hours' ? 'time' : report.x}${report.sweep ? ` — ${report.sweep}` : ''}`,
      subtitle: [
        'Mean over pretraining seeds with 95% CI bands; diamonds = intermediate checkpoints.',
        ...(Object.values(data.taskRanges).some((r) => r.clipped) ? [CLIPPED_NOTE] : []),
      ],
    },
    config: CHART_CONFIG,
    data: { values: data.taskRows },
    facet: { field: 'task', type: 'nominal', title: null, header: { labelFontSize: 13 } },
    columns: panelColumns(new Set(data.taskRows.map((r) => r.task)).size),
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: 260,
      height: 180,
      layer: [
        {
          transform: [lines],
          // bands clamped to each panel's range from its points (./domain.ts); the panel's axis follows the data
          mark: { type: 'area', opacity: 0.16, clip: true },
          encoding: { x, y: { field: 'bandLo', type: 'quantitative' }, y2: { field: 'bandHi' }, color, detail: { field: 'series' } },
        },
        {
          transform: [lines],
          mark: { type: 'line', strokeWidth: 2 },
          encoding: { x, y, color, detail: { field: 'series' }, order: { field: 'x' } },
        },
        {
          mark: { type: 'point', filled: true, size: 40 },
          encoding: {
            x,
            y,
            color,
            shape: { field: 'kind', type: 'nominal', title: 'Point', scale: shapeScale(data) },
            tooltip: [
              { field: 'recipe' },
              { field: 'task' },
              { field: 'config' },
              { field: 'n', title: 'seeds' },
              { field: 'y', title: 'score ×100', format: '.2f' },
              { field: 'yLo', title: 'CI low', format: '.2f' },
              { field: 'yHi', title: 'CI high', format: '.2f' },
            ],
          },
        },
      ],
    },
  } as TopLevelSpec;
}

/** Panels per row: a square-ish grid (4 tasks → 2×2), at most 3 wide. */
export const panelColumns = (tasks: number): number => Math.min(3, Math.ceil(Math.sqrt(tasks)));
