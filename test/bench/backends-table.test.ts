import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backendsTable, resultsTable } from '../../bench/table.js';
import type { CaseResult, KernelRecord } from '../../bench/types.js';

const done = (name: string, medianMs: number, gflops: number): CaseResult => ({
  state: 'completed', name, kernel: name.split('/')[0]!, shape: { tokens: 8 }, medianMs, gflops, gbps: null, ratioToCalibration: 1,
  samples: { roundRatios: [1, 1], latencyMs: [medianMs] },
});
const record = (backend: string, cases: CaseResult[]): KernelRecord => ({
  schemaVersion: 1, backend, device: `${backend} device`, mbenchVersion: '0', gitCommit: null, createdAt: 'now',
  settings: { timeMs: 10, rounds: 2, clock: 'cpu' }, calibration: { name: 'cal', shape: {}, medianMs: 1, gflops: 1 }, cases,
});

test('the side-by-side table: a column pair per backend and each later backend’s speed against the first', () => {
  const text = backendsTable([
    record('wasm', [done('ffn/tiny', 8, 2), done('ln/tiny', 1, 3)]),
    record('native', [done('ffn/tiny', 2, 8), { state: 'errored', name: 'ln/tiny', kernel: 'ln', shape: { tokens: 8 }, error: 'boom' }]),
  ]);
  const rows = text.split('\n');
  assert.match(rows[0]!, /wasm: wasm device, cpu clock; native: native device, cpu clock/);
  assert.match(text, /native vs wasm/);
  const ffn = rows.find((l) => l.includes('ffn/tiny'))!;
  assert.match(ffn, /8\.000.*2\.00 GFLOP\/s.*2\.000.*8\.00 GFLOP\/s.*4\.00×/);
  const ln = rows.find((l) => l.includes('ln/tiny'))!;
  assert.match(ln, /ERROR/);
  assert.match(ln, /—/);
});

test('one backend’s table: an errored case keeps the table whole, and its message is printed under it', () => {
  const text = resultsTable(record('webgpu', [done('ffn/tiny', 2, 8), { state: 'errored', name: 'mlm/batch32', kernel: 'mlm', shape: { tokens: 8 }, error: 'the GPU refused the work: binding too large\nmore' }]));
  const lines = text.split('\n');
  const table = lines.slice(1, lines.findIndex((l) => l.startsWith('└')) + 1);
  for (const l of table) assert.match(l, /^[┌│├└]/, `a broken table line: '${l}'`);
  assert.equal(new Set(table.map((l) => [...l].length)).size, 1, 'every table line has the same width');
  assert.match(lines.find((l) => l.includes('mlm/batch32') && l.startsWith('│'))!, /ERROR/);
  assert.equal(lines.at(-1), 'ERROR mlm/batch32: the GPU refused the work: binding too large');
});
