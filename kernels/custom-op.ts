/**
 * A typed wrapper over tf.customGrad: `customOp((inputs, save) => ({ value, gradFunc }))` returns a function of
 * the differentiable inputs. Everything the backward pass needs must go through `save` (it is kept alive past
 * the forward scope; anything else created in the forward is disposed before the backward runs).
 */
import * as tf from '@tensorflow/tfjs-core';

export interface OpDefinition<T extends tf.Tensor> {
  value: T;
  gradFunc: (dy: T, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[];
}

export function customOp<T extends tf.Tensor>(f: (inputs: tf.Tensor[], save: tf.GradSaveFunc) => OpDefinition<T>): (...inputs: tf.Tensor[]) => T {
  const op = tf.customGrad(((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    return f(args.slice(0, -1) as tf.Tensor[], save);
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op as unknown as (...inputs: tf.Tensor[]) => T;
}
