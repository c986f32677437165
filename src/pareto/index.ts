/** The public face of src/pareto: the pipeline entry and the pure stages, for the CLI, the sweep command and tests. */
export { runPareto, formatsFor, type RunParetoOptions, type RunParetoResult } from './run.js';
export { analyse, type AnalyseOptions } from './analyse.js';
export { loadRuns, listSweeps } from './load.js';
export { paretoFrontier } from './frontier.js';
export { describe } from './stats.js';
export { fitSaturating } from './fit.js';
export { reachByInterpolation } from './interpolate.js';
export { reportText } from './table.js';
export { X_AXES, type ParetoReport, type XAxis } from './types.js';
