import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UserError } from '../../src/errors.js';
import { allCases, defaultCases, filterCases, slowCases } from '../../bench/registry.js';

const cases = allCases();

test('case names are unique and start with their kernel', () => {
  assert.equal(new Set(cases.map((c) => c.name)).size, cases.length);
  for (const c of cases) assert.ok(c.name.startsWith(`${c.kernel}/`), c.name);
});

test('the suite covers every kernel the issue names, at tiny, mini and base and pads 0/25/50', () => {
  const kernels = new Set(cases.map((c) => c.kernel));
  for (const k of ['attention-alibi-padded', 'attention-alibi-unpadded', 'pad-unpad', 'ffn-gelu', 'ffn-geglu', 'layernorm',
    'embedding-gather', 'embedding-grad', 'mlm-head-loss', 'mlm-decoder-xent', 'adamw-update', 'encoder-layer-fwd-bwd']) assert.ok(kernels.has(k), k);
  for (const size of ['tiny', 'mini', 'base']) assert.ok(cases.some((c) => c.name.includes(`/${size}`)), size);
  for (const pad of [0, 25, 50]) assert.ok(cases.some((c) => c.shape.padPercent === pad && c.shape.seq === 128), `pad ${pad}`);
});

test('--filter keeps substring and glob matches, comma-separated', () => {
  assert.deepEqual(filterCases(cases, 'layernorm/mini').map((c) => c.name), ['layernorm/mini']);
  assert.deepEqual(filterCases(cases, 'ffn-*/base').map((c) => c.name), ['ffn-gelu/base', 'ffn-geglu/base']);
  assert.deepEqual(filterCases(cases, 'LAYERNORM/tiny, pad-unpad/base').map((c) => c.name), ['pad-unpad/base/pad25', 'layernorm/tiny']);
  assert.equal(filterCases(cases, undefined).length, cases.length);
});

test('a --filter pattern that matches nothing is an error naming it, with a suggestion', () => {
  assert.throws(() => filterCases(cases, 'layernorm,atention'), (err: unknown) => {
    assert.ok(err instanceof UserError);
    assert.match(err.message, /--filter 'atention' matches no kernel case \(did you mean 'attention'\?\)/);
    return true;
  });
});

test('the default run is every case but the slow ones', () => {
  const slow = new Set(slowCases().map((c) => c.name));
  assert.ok(slow.size > 0);
  assert.deepEqual(defaultCases().map((c) => c.name), cases.map((c) => c.name).filter((n) => !slow.has(n)));
});
