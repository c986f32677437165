// `--report json FILE`: github-action-benchmark's customSmallerIsBetter entries, exactly; and --report's grammar.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { benchmarkEntries, benchmarkJsonExporter } from '../../bench/report/benchmark-json.js';
import { parseReportRequests } from '../../bench/report/index.js';
import { UserError } from '../../src/errors.js';
import { record, report } from './report-fixture.js';

test('one entry per completed case: ratio to the calibration as the value, IQR as range, details as extra', () => {
  assert.deepEqual(benchmarkEntries(report), [
    {
      name: 'ffn-gelu/mini (wasm)',
      unit: '× calibration matmul',
      value: 21,
      range: '± 1.00',
      extra: 'median 40.000 ms per call (cpu clock), 13.40 GFLOP/s\nshape B2 S128 H256 I1024\ndevice Test CPU <x86> "fast" & co (2 threads)\nvs baseline 10.5: +100.0% (95% interval +80.0% … +125.0%), slower',
    },
    {
      name: 'layernorm/tiny (wasm)',
      unit: '× calibration matmul',
      value: 0.25,
      range: '± 0.00500',
      extra: 'median 0.500 ms per call (cpu clock), 1.05 GB/s\nshape T512 H128\ndevice Test CPU <x86> "fast" & co (2 threads)\nvs baseline 0.250: +0.4% (95% interval −5.0% … +6.0%), same',
    },
    {
      name: 'pad-unpad/mini|new (wasm)',
      unit: '× calibration matmul',
      value: 0.5,
      range: '± 0.00',
      extra: 'median 1.000 ms per call (cpu clock), 2.00 GB/s\nshape B2 S128 H256 pad25%\ndevice Test CPU <x86> "fast" & co (2 threads)\nnot in the baseline',
    },
    {
      name: 'embedding-gather/mini (wasm)',
      unit: '× calibration matmul',
      value: 0.12,
      range: '± 0.0100',
      extra: 'median 0.250 ms per call (cpu clock)\nshape T256 H256 V30528\ndevice Test CPU <x86> "fast" & co (2 threads)\nvs baseline 0.200: −40.0% (95% interval −50.0% … −30.0%), faster',
    },
  ]);
  const text = benchmarkJsonExporter.serialize(report);
  assert.ok(text.endsWith('\n'));
  const parsed = JSON.parse(text) as Array<Record<string, unknown>>;
  for (const e of parsed) {
    assert.equal(typeof e.name, 'string');
    assert.equal(typeof e.unit, 'string');
    assert.equal(typeof e.value, 'number');
  }
});

test('without --compare: the same entries with no verdict line', () => {
  const plain = benchmarkEntries({ record, comparison: null, baseline: null, enforced: true });
  assert.equal(plain.length, 4);
  assert.equal(plain[0]!.extra, 'median 40.000 ms per call (cpu clock), 13.40 GFLOP/s\nshape B2 S128 H256 I1024\ndevice Test CPU <x86> "fast" & co (2 threads)');
});

test('--report: formats each followed by an optional FILE; unknown formats and missing files are errors', () => {
  assert.deepEqual(parseReportRequests(['github']), [{ format: 'github', file: null }]);
  assert.deepEqual(parseReportRequests(['junit', 'k.xml', 'github', 'json', '-']), [
    { format: 'junit', file: 'k.xml' },
    { format: 'github', file: null },
    { format: 'json', file: '-' },
  ]);
  assert.deepEqual(parseReportRequests(['github', 'summary.md']), [{ format: 'github', file: 'summary.md' }]);
  assert.throws(() => parseReportRequests(['junti', 'x.xml']), (e: unknown) => e instanceof UserError && /--report: unknown format 'junti' \(did you mean 'junit'\?\); known: github, junit, json/.test(e.message));
  assert.throws(() => parseReportRequests(['junit']), /--report junit needs a FILE to write \(or - for stdout\): --report junit kernels\.xml/);
  assert.throws(() => parseReportRequests(['json', 'github']), /--report json needs a FILE/);
});
