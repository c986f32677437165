/** The public face of src/pareto: the pipeline entry and the pure stages, for the CLI, the sweep command and tests. */
export { runPareto, formatsFor, type RunParetoOptions, type RunParetoResult } from './run.js';
export { analyse, type AnalyseOptions } from './analyse.js';
export { loadRuns } from './load.js';
export { paretoFrontier } from './frontier.js';
export { describe } from './stats.js';
export { fitSaturating } from './fit.js';
export { reachByInterpolation } from './interpolate.js';
export { reportText } from './table.js';
export { X_AXES, type ParetoReport, type XAxis } from './types.js';
export { parseYAxis, yAxisInfo, MLM_Y_AXES, type YAxisInfo } from './axes.js';
export { type Direction } from './direction.js';
export { loadCurves, curvePoints, type RunCurve, type CurvePoint } from './curves.js';
