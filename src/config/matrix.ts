/**
 * Matrix expansion, GitHub-Actions style (docs.github.com "Using a matrix for your jobs"):
 *   1. the cartesian product of the axes (in the order written, last axis fastest);
 *   2. `exclude` entries remove every combination whose values all match the entry;
 *   3. each `include` entry is merged into every combination it matches (its keys that are axes must
 *      equal the combination's values; its other keys are added, and may overwrite values added by an earlier
 *      include but never an axis value); an entry matching no combination is added as a new combination.
 * Two deliberate differences, to catch typos: an include that matches nothing must set every axis to become a
 * new combination, and an exclude that matches nothing is an error. Problems come with the path they are at.
 */
import type { Scalar } from './run-config.js';

export type Combination = Record<string, Scalar>;

export interface MatrixInput {
  axes: Record<string, Scalar[]>;
  include: Combination[];
  exclude: Combination[];
  /** Refuse a product larger than this before building it (a typo'd range must not eat the machine's memory). */
  maxCombinations?: number;
  /** How the cap reads in the refusal, e.g. "100,000 runs (maxRuns) / 3 seeds". */
  capNote?: string;
}

export class MatrixProblem extends Error {
  constructor(
    readonly path: Array<string | number>,
    message: string,
  ) {
    super(message);
  }
}

export function expandMatrix(m: MatrixInput): Combination[] {
  const axisNames = Object.keys(m.axes);
  // 0. the product's size, before building it
  const size = axisNames.reduce((n, a) => n * m.axes[a]!.length, 1);
  if (m.maxCombinations !== undefined && size > m.maxCombinations) {
    const factors = axisNames.map((a) => `${m.axes[a]!.length} ${a}`).join(' × ');
    throw new MatrixProblem(['matrix'], `the matrix has ${size.toLocaleString('en-US')} combinations (${factors}), above the cap of ${m.maxCombinations.toLocaleString('en-US')}${m.capNote ? ` (${m.capNote})` : ''}; shrink an axis, or raise maxRuns if you mean it`);
  }
  // 1. product
  let combos: Combination[] = axisNames.length ? [{}] : [];
  for (const axis of axisNames) {
    const values = m.axes[axis]!;
    if (values.length === 0) throw new MatrixProblem(['matrix', axis], `matrix.${axis} is empty: list at least one value`);
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [axis]: v })));
  }
  // 2. exclude
  m.exclude.forEach((entry, i) => {
    for (const key of Object.keys(entry)) {
      if (!axisNames.includes(key)) {
        throw new MatrixProblem(['matrix', 'exclude', i, key], `'${key}' is not a matrix axis (axes: ${axisNames.join(', ') || 'none'})`);
      }
    }
    const before = combos.length;
    combos = combos.filter((c) => !matches(c, entry));
    if (combos.length === before) throw new MatrixProblem(['matrix', 'exclude', i], `exclude entry ${describe(entry)} matches no combination`);
  });
  // 3. include
  const original = combos.map((c) => ({ ...c }));
  m.include.forEach((entry, i) => {
    let matched = false;
    combos.forEach((c, j) => {
      const axisValues = original[j];
      if (!axisValues) return; // a combination added by an earlier include
      const compatible = Object.entries(entry).every(([k, v]) => !(k in axisValues) || axisValues[k] === v);
      if (compatible) {
        Object.assign(c, entry);
        matched = true;
      }
    });
    if (matched) return;
    const missing = axisNames.filter((a) => !(a in entry));
    if (missing.length) {
      throw new MatrixProblem(
        ['matrix', 'include', i],
        `include entry ${describe(entry)} matches no combination; to add a new combination, set every axis (missing: ${missing.join(', ')})`,
      );
    }
    combos.push({ ...entry });
  });
  if (combos.length === 0) throw new MatrixProblem(['matrix'], 'the matrix is empty: it yields no combination');
  return combos;
}

function matches(c: Combination, entry: Combination): boolean {
  return Object.entries(entry).every(([k, v]) => c[k] === v);
}

export function describe(c: Combination): string {
  return `{${Object.entries(c)
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join(', ')}}`;
}
