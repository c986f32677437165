import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandMatrix, MatrixProblem } from '../../src/config/matrix.js';

const axes = { recipe: ['bert', 'mosaic'], duration: ['100ba', '200ba'] };

test('the product of the axes, last axis fastest', () => {
  assert.deepEqual(expandMatrix({ axes, include: [], exclude: [] }), [
    { recipe: 'bert', duration: '100ba' },
    { recipe: 'bert', duration: '200ba' },
    { recipe: 'mosaic', duration: '100ba' },
    { recipe: 'mosaic', duration: '200ba' },
  ]);
});

test('exclude removes matching combinations; include extends matching ones and adds complete new ones', () => {
  const combos = expandMatrix({
    axes,
    exclude: [{ recipe: 'bert', duration: '200ba' }],
    include: [
      { recipe: 'mosaic', maskRatio: 0.4 }, // extends both mosaic combinations
      { maskRatio: 0.2, recipe: 'bert' }, // extends the bert one
      { recipe: 'mosaic', duration: '400ba' }, // sets every axis, matches nothing: a new combination
    ],
  });
  assert.deepEqual(combos, [
    { recipe: 'bert', duration: '100ba', maskRatio: 0.2 },
    { recipe: 'mosaic', duration: '100ba', maskRatio: 0.4 },
    { recipe: 'mosaic', duration: '200ba', maskRatio: 0.4 },
    { recipe: 'mosaic', duration: '400ba' },
  ]);
});

test('an include never overwrites an axis value but may overwrite an earlier include', () => {
  const combos = expandMatrix({ axes: { recipe: ['bert'] }, exclude: [], include: [{ lr: 0.001 }, { lr: 0.002 }] });
  assert.deepEqual(combos, [{ recipe: 'bert', lr: 0.002 }]);
});

test('an include that matches nothing and is not a complete combination is an error with its path', () => {
  assert.throws(
    () => expandMatrix({ axes, exclude: [], include: [{ recipe: 'mosaik', maskRatio: 0.4 }] }),
    (err: unknown) => err instanceof MatrixProblem && err.path.join('.') === 'matrix.include.0' && /matches no combination.*missing: duration/.test(err.message),
  );
});

test('an exclude that matches nothing, or names a non-axis key, is an error', () => {
  assert.throws(() => expandMatrix({ axes, include: [], exclude: [{ recipe: 'bret' }] }), /matches no combination/);
  assert.throws(() => expandMatrix({ axes, include: [], exclude: [{ size: 'tiny' }] }), /'size' is not a matrix axis/);
});

test('an empty matrix is an error', () => {
  assert.throws(() => expandMatrix({ axes: {}, include: [], exclude: [] }), /the matrix is empty/);
  assert.throws(() => expandMatrix({ axes: { recipe: [] }, include: [], exclude: [] }), /matrix.recipe is empty/);
  assert.throws(() => expandMatrix({ axes: { recipe: ['bert'] }, include: [], exclude: [{ recipe: 'bert' }] }), /the matrix is empty/);
});
