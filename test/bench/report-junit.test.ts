// `--report junit FILE`: JUnit XML, exactly, and well-formed under a strict parser whatever the names and
// messages contain.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { junitXml, xmlAttr, xmlText } from '../../bench/report/junit.js';
import { report } from './report-fixture.js';
import { findAll, parseXml } from './xml-check.js';

test('one testcase per case: failure for slower, error for errored, skipped for new; totals and properties', () => {
  assert.equal(
    junitXml(report),
    [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<testsuites name="mbench kernels" tests="5" failures="1" errors="1" skipped="1" time="0.167">',
      '  <testsuite name="mbench kernels (wasm)" tests="5" failures="1" errors="1" skipped="1" time="0.167" timestamp="2026-01-02T03:04:05.000Z">',
      '    <properties>',
      '      <property name="backend" value="wasm"/>',
      '      <property name="device" value="Test CPU &lt;x86&gt; &quot;fast&quot; &amp; co (2 threads)"/>',
      '      <property name="baseline" value="results/kernels/baseline-wasm.json"/>',
      '      <property name="baseline.device" value="Baseline CPU (2 threads)"/>',
      '      <property name="threshold" value="0.15"/>',
      '      <property name="confidence" value="0.95"/>',
      '      <property name="enforced" value="true"/>',
      '      <property name="mbench.version" value="0.1.0"/>',
      '      <property name="git.commit" value="abc123def456"/>',
      '    </properties>',
      '    <testcase classname="mbench.kernels.wasm" name="ffn-gelu/mini" time="0.160">',
      '      <failure type="regression" message="+100.0% slower than the baseline (95% interval +80.0% … +125.0%), beyond the +15% threshold">' +
        'ratio to the calibration matmul: baseline 10.5, now 21; change +100.0%, 95% interval +80.0% … +125.0%; threshold +15%</failure>',
      '    </testcase>',
      '    <testcase classname="mbench.kernels.wasm" name="layernorm/tiny" time="0.002">',
      '      <system-out>same: ratio to the calibration matmul: baseline 0.25, now 0.25; change +0.4%, 95% interval −5.0% … +6.0%; threshold +15%</system-out>',
      '    </testcase>',
      '    <testcase classname="mbench.kernels.wasm" name="attention-alibi-padded/mini" time="0.000">',
      '      <error type="errored" message="errored (it completed in the baseline): kernel &lt;exploded&gt; &amp; &quot;died&quot;&#10;at line 2">kernel &lt;exploded&gt; &amp; "died"\nat line 2</error>',
      '    </testcase>',
      '    <testcase classname="mbench.kernels.wasm" name="pad-unpad/mini|new" time="0.004">',
      '      <skipped message="new: not in the baseline, nothing to compare with"/>',
      '    </testcase>',
      '    <testcase classname="mbench.kernels.wasm" name="embedding-gather/mini" time="0.001">',
      '      <system-out>faster: ratio to the calibration matmul: baseline 0.2, now 0.12; change −40.0%, 95% interval −50.0% … −30.0%; threshold +15%</system-out>',
      '    </testcase>',
      '    <system-out>1 baseline case(s) not run: mlm-head-loss/mini</system-out>',
      '  </testsuite>',
      '</testsuites>',
      '',
    ].join('\n'),
  );
});

test('the XML parses strictly and carries the same counts and messages back', () => {
  const root = parseXml(junitXml(report));
  assert.equal(root.name, 'testsuites');
  const cases = findAll(root, 'testcase');
  assert.equal(cases.length, 5);
  const failures = findAll(root, 'failure');
  assert.equal(failures.length, Number(root.attrs.failures));
  assert.equal(failures.length, 1);
  assert.equal(findAll(root, 'error')[0]!.attrs.message, 'errored (it completed in the baseline): kernel <exploded> & "died"\nat line 2');
  assert.equal(findAll(root, 'property').find((p) => p.attrs.name === 'device')!.attrs.value, 'Test CPU <x86> "fast" & co (2 threads)');
  assert.equal(cases[3]!.attrs.name, 'pad-unpad/mini|new');
});

test('lenient mode keeps the failure and says why the job passes', () => {
  const text = junitXml({ ...report, enforced: false });
  assert.match(text, /<property name="enforced" value="false"\/>/);
  assert.match(findAll(parseXml(text), 'failure')[0]!.attrs.message!, /threshold; not failing: the baseline was recorded on Baseline CPU \(2 threads\), this run on Test CPU .* \(--other-device warn\)$/);
});

test('escaping: markup characters become entities, characters XML cannot hold are dropped', () => {
  assert.equal(xmlText('a<b>&c'), 'a&lt;b&gt;&amp;c');
  assert.equal(xmlAttr(`"q" 'a'\tx\ny`), '&quot;q&quot; &apos;a&apos;&#9;x&#10;y');
  assert.equal(xmlText('bell\u0007 nul\u0000 esc\u001b ok\u00e9 \ud83d\ude00 lone\ud800'), 'bell nul esc oké 😀 lone');
  const weird = { ...report, record: { ...report.record, backend: 'w]]>a<s&m' } };
  parseXml(junitXml(weird));
  assert.throws(() => parseXml('<a><b></a></b>'), /<\/a> closes <b>/);
  assert.throws(() => parseXml('<a x="1" x="2"/>'), /given twice/);
  assert.throws(() => parseXml('<a>&nbsp;</a>'), /no known entity/);
  assert.throws(() => parseXml('<a>x</a><b/>'), /after the root/);
  assert.throws(() => parseXml('<a>\u0001</a>'), /not allowed/);
});
