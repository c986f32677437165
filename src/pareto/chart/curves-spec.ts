/**
 * Stage 4b'': learning curves — held-out MLM loss and accuracy (15% masking) vs pretraining time, two panels
 * side by side, one line per run through its evaluations, coloured by recipe as in the Pareto chart.
 *
 *   4a. curves (stage 1b) → flat rows in display units (time in s/min/h as the Pareto chart's x; accuracy ×100)
 *   4b. rows → a Vega-Lite hconcat of two layered panels (line + points) sharing one colour scale
 */
import type { TopLevelSpec } from 'vega-lite';
import { xDisplayScale, type DisplayScale } from '../axes.js';
import type { RunCurve } from '../curves.js';
import type { ParetoReport } from '../types.js';
import { legendOrder } from './data.js';
import { colorEncoding } from './pareto-spec.js';
import { CHART_CONFIG } from './style.js';

export interface CurveRow {
  run: string;
  name: string;
  recipe: string;
  seed: number | null;
  step: number;
  /** Pretraining time in the display unit. */
  x: number;
  /** Held-out MLM loss (nats) and accuracy (×100). */
  loss: number;
  accuracy: number;
  tokensSeen: number | null;
}

export interface CurvesData {
  scale: DisplayScale;
  /** Colour order: the report's legend order (same colour per recipe as the Pareto chart), then any others. */
  recipes: string[];
  rows: CurveRow[];
}

const round = (v: number): number => Number(v.toPrecision(6));

/** 4a: rows in display units. */
export function curvesData(report: Pick<ParetoReport, 'recipes' | 'aggregates' | 'baseline'>, curves: readonly RunCurve[]): CurvesData {
  const maxHours = Math.max(0, ...curves.flatMap((c) => c.points.map((p) => p.trainSeconds / 3600)));
  const scale = xDisplayScale('hours', maxHours);
  const known = legendOrder(report);
  const extra = [...new Set(curves.map((c) => c.recipe))].filter((r) => !known.includes(r)).sort();
  const rows = curves.flatMap((c) =>
    c.points.map((p) => ({
      run: c.runId,
      name: c.name,
      recipe: c.recipe,
      seed: c.seed,
      step: p.step,
      x: round((p.trainSeconds / 3600) * scale.factor),
      loss: round(p.evalLoss),
      accuracy: round(p.evalAccuracy * 100),
      tokensSeen: p.tokensSeen,
    })),
  );
  return { scale, recipes: [...known, ...extra], rows };
}

export const CURVE_PANEL_WIDTH = 340;
export const CURVE_PANEL_HEIGHT = 260;

/** 4b: the two-panel spec; null when no run has a held-out evaluation. */
export function curvesSpec(report: ParetoReport, curves: readonly RunCurve[]): TopLevelSpec | null {
  if (!curves.some((c) => c.points.length)) return null;
  const data = curvesData(report, curves);
  const color = colorEncoding(data, new Set(data.rows.map((r) => r.recipe)));
  // from zero; a little headroom so the last evaluation is not cut by the frame (and a span when all are at 0)
  const xMax = Math.max(...data.rows.map((r) => r.x)) * 1.04 || 1;
  const x = { field: 'x', type: 'quantitative' as const, title: data.scale.title, scale: { zero: true, nice: true, domainMax: xMax } };
  const tooltip = [
    { field: 'recipe' },
    { field: 'name', title: 'run' },
    { field: 'step' },
    { field: 'x', title: data.scale.title, format: '.4~g' },
    { field: 'loss', title: 'MLM loss (nats)', format: '.3f' },
    { field: 'accuracy', title: 'MLM accuracy %', format: '.2f' },
  ];
  const panel = (field: 'loss' | 'accuracy', title: string) => {
    const y = { field, type: 'quantitative' as const, title, scale: { zero: false } };
    return {
      width: CURVE_PANEL_WIDTH,
      height: CURVE_PANEL_HEIGHT,
      layer: [
        { mark: { type: 'line', strokeWidth: 1.6, opacity: 0.8 }, encoding: { x, y, color, detail: { field: 'run' }, order: { field: 'step' } } },
        { mark: { type: 'point', filled: true, size: 22 }, encoding: { x, y, color, tooltip } },
      ],
    };
  };
  const runs = new Set(data.rows.map((r) => r.run)).size;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `Held-out MLM loss and accuracy vs pretraining time${report.sweep ? ` — ${report.sweep}` : ''}`,
      subtitle: [`One line per run (${runs} run${runs === 1 ? '' : 's'}), a dot per evaluation on held-out text at 15% masking (at 0: before any pretraining).`],
    },
    config: CHART_CONFIG,
    data: { values: data.rows },
    hconcat: [panel('loss', 'MLM loss (nats; lower is better)'), panel('accuracy', 'MLM accuracy (%)')],
  } as TopLevelSpec;
}
