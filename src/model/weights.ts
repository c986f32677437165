/**
 * A named set of tf.Variables: creation with deterministic init, parameter count, and export/import as
 * NamedWeights (Map<name, Float32Array> + shapes) for checkpoints. Import checks every name and shape before
 * touching any variable, so a mismatched checkpoint leaves the model as it was.
 */
import * as tf from '@tensorflow/tfjs-core';
import { UserError } from '../errors.js';
import { initValues, type InitKind } from './init.js';
import type { ModelWeight, NamedWeights } from './types.js';

let storeCounter = 0;

export class WeightStore {
  readonly weights: ModelWeight[] = [];
  private readonly byName = new Map<string, tf.Variable>();
  /** tf.Variable names are global: prefix each store's names so two models can coexist. */
  private readonly prefix = `mbench${++storeCounter}/`;

  constructor(private readonly seed: number) {}

  add(name: string, shape: number[], kind: InitKind): tf.Variable {
    if (this.byName.has(name)) throw new Error(`weight '${name}' defined twice`);
    const size = shape.reduce((a, b) => a * b, 1);
    const variable = tf.variable(tf.tensor(initValues(kind, size, this.seed, name), shape, 'float32'), true, this.prefix + name);
    this.byName.set(name, variable);
    this.weights.push({ name, variable });
    return variable;
  }

  get(name: string): tf.Variable {
    const v = this.byName.get(name);
    if (!v) throw new Error(`no weight '${name}'`);
    return v;
  }

  parameterCount(): number {
    return this.weights.reduce((n, w) => n + w.variable.size, 0);
  }

  /** Copies of every weight, read with data(): webgpu has no synchronous read under Node. */
  async exportWeights(): Promise<NamedWeights> {
    const values = new Map<string, Float32Array>();
    const shapes = new Map<string, number[]>();
    for (const { name, variable } of this.weights) {
      values.set(name, Float32Array.from((await variable.data()) as Float32Array));
      shapes.set(name, [...variable.shape]);
    }
    return { values, shapes };
  }

  /** Checks names and shapes against this store; returns the problems (empty when it fits). */
  mismatches(w: NamedWeights): string[] {
    const problems: string[] = [];
    for (const { name, variable } of this.weights) {
      const values = w.values.get(name);
      const shape = w.shapes.get(name);
      if (!values) problems.push(`missing weight '${name}'`);
      else if (!shape || shape.join() !== variable.shape.join() || values.length !== variable.size)
        problems.push(`weight '${name}' has shape [${shape ?? `${values.length} values`}], the model expects [${variable.shape}]`);
    }
    for (const name of w.values.keys()) if (!this.byName.has(name)) problems.push(`unexpected weight '${name}'`);
    return problems;
  }

  importWeights(w: NamedWeights, source = 'weights'): void {
    const problems = this.mismatches(w);
    if (problems.length > 0) {
      const shown = problems.slice(0, 5).join('; ') + (problems.length > 5 ? `; and ${problems.length - 5} more` : '');
      throw new UserError(`${source} does not fit this model (another recipe, size or vocabulary?): ${shown}`);
    }
    for (const { name, variable } of this.weights) {
      tf.tidy(() => variable.assign(tf.tensor(w.values.get(name)!, variable.shape, 'float32')));
    }
  }

  dispose(): void {
    for (const { variable } of this.weights) variable.dispose();
    this.weights.length = 0;
    this.byName.clear();
  }
}
