/**
 * Exporters: one per output format, all behind one interface (after hyperfine's exporters) — given the report
 * (and the charts, built once and shared), return the files to write. Writing is the caller's job.
 */
import type { TopLevelSpec } from 'vega-lite';
import { chartData } from '../chart/data.js';
import { paretoSpec } from '../chart/paretoSpec.js';
import { tasksSpec } from '../chart/tasksSpec.js';
import type { ParetoReport } from '../types.js';

export interface OutputFile {
  /** File name inside the output folder. */
  name: string;
  data: string | Uint8Array;
}

export interface NamedChart {
  /** File stem: `pareto`, `tasks`. */
  name: string;
  spec: TopLevelSpec;
}

/** What exporters share: the report, its text tables, and the charts (specs built once, SVG rendered once). */
export class ExportContext {
  private svgs = new Map<string, Promise<string>>();
  readonly charts: NamedChart[];

  constructor(
    readonly report: ParetoReport,
    readonly text: string,
  ) {
    const data = chartData(report);
    const tasks = tasksSpec(report, data);
    this.charts = [{ name: 'pareto', spec: paretoSpec(report, data) }, ...(tasks ? [{ name: 'tasks', spec: tasks }] : [])];
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
