/**
 * Exporters: one per output format, all behind one interface (after hyperfine's exporters) — given the report
 * (and the charts, built once and shared), return the files to write. Writing is the caller's job.
 */
import type { TopLevelSpec } from 'vega-lite';
import { curvesSpec } from '../chart/curves-spec.js';
import { chartData } from '../chart/data.js';
import { paretoSpec } from '../chart/pareto-spec.js';
import { tasksSpec } from '../chart/tasks-spec.js';
import type { RunCurve } from '../curves.js';
import type { ParetoReport } from '../types.js';

export interface OutputFile {
  /** File name inside the output folder. */
  name: string;
  data: string | Uint8Array;
}

export interface NamedChart {
  /** File stem: `pareto`, `tasks`, `curves`. */
  name: string;
  spec: TopLevelSpec;
}

/**
 * What exporters share: the report, its text tables, the runs' learning curves (stage 1b; empty when not
 * loaded), and the charts built from them (specs built once, SVG rendered once).
 */
export class ExportContext {
  private svgs = new Map<string, Promise<string>>();
  readonly charts: NamedChart[];

  constructor(
    readonly report: ParetoReport,
    readonly text: string,
    readonly curves: readonly RunCurve[] = [],
  ) {
    const data = chartData(report);
    const tasks = tasksSpec(report, data);
    const learning = curvesSpec(report, curves);
    this.charts = [
      { name: 'pareto', spec: paretoSpec(report, data) },
      ...(tasks ? [{ name: 'tasks', spec: tasks }] : []),
      ...(learning ? [{ name: 'curves', spec: learning }] : []),
    ];
  }

  svg(chart: NamedChart): Promise<string> {
    let p = this.svgs.get(chart.name);
    if (!p) {
      // vega loads lazily (~0.5 s): commands that only print tables never pay for it
      p = import('../chart/render.js').then(({ specToSvg }) => specToSvg(chart.spec));
      this.svgs.set(chart.name, p);
    }
    return p;
  }
}

export interface Exporter {
  format: string;
  files(ctx: ExportContext): Promise<OutputFile[]> | OutputFile[];
}
