// `--report github`: the Markdown verdict table, exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { githubMarkdown, markdownCell } from '../../bench/report/github.js';
import { comparison, report } from './report-fixture.js';

test('the verdict table: outcome heading, one row per case (slower and errored first), counts', () => {
  assert.equal(
    githubMarkdown(report),
    [
      '### Kernel regression check (wasm): ❌ regression',
      '',
      'Compared with `results/kernels/baseline-wasm.json` (recorded on Baseline CPU (2 threads)); this run on Test CPU &lt;x86&gt; "fast" &amp; co (2 threads). ' +
        "A case fails when the whole 95% interval of its change lies above +15%. Ratios are the case's time over the calibration matmul's in the same process.",
      '',
      '| | case | baseline ×cal | now ×cal | change | 95% interval | verdict |',
      '| --- | --- | ---: | ---: | ---: | ---: | --- |',
      '| ❌ | `ffn-gelu/mini` | 10.5 | 21.0 | +100.0% | +80.0% … +125.0% | **slower** |',
      '| 💥 | `attention-alibi-padded/mini` | | | | | **errored**: kernel &lt;exploded&gt; &amp; "died" at line 2 |',
      '| 🚀 | `embedding-gather/mini` | 0.200 | 0.120 | −40.0% | −50.0% … −30.0% | faster |',
      '| ✅ | `layernorm/tiny` | 0.250 | 0.250 | +0.4% | −5.0% … +6.0% | same |',
      '| 🆕 | `pad-unpad/mini\\|new` | | | | | new (not in the baseline) |',
      '',
      '**1 slower**, 1 same, 1 faster, **1 errored**, 1 new; 1 baseline case(s) not run.',
      '',
    ].join('\n'),
  );
});

test('a passing check, and a lenient one against another device, say so', () => {
  const ok = { ...report, comparison: { ...comparison, regressed: false, cases: comparison.cases.slice(1, 2), notRun: [] } };
  const text = githubMarkdown(ok);
  assert.match(text, /^### Kernel regression check \(wasm\): ✅ no regression\n/);
  assert.match(text, /\n0 slower, 1 same, 0 faster\.\n$/);
  const lenient = githubMarkdown({ ...report, enforced: false });
  assert.match(lenient, /^### Kernel regression check \(wasm\): ⚠️ slower, not failing\n/);
  assert.match(lenient, /\n> not failing: the baseline was recorded on Baseline CPU \(2 threads\), this run on Test CPU &lt;x86&gt; "fast" &amp; co \(2 threads\) \(--other-device warn\)\n$/);
});

test('cells cannot break the table', () => {
  assert.equal(markdownCell('a|b\\c <script>\r\n x'), 'a\\|b\\\\c &lt;script&gt; x');
});
