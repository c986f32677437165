// `mbench kernels --compare … --report …` end to end: a planted slowdown is a failed row in the GitHub summary,
// the one <failure> of a well-formed JUnit file and an entry of the benchmark JSON, and the exit status is 1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../src/version.js';
import { findAll, parseXml } from './xml-check.js';

const dir = mkdtempSync(join(tmpdir(), 'mbench-kernels-report-'));
const mbench = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [join(repoRoot, 'bin/mbench.js'), 'kernels', ...args], { encoding: 'utf8', env: { ...process.env, GITHUB_STEP_SUMMARY: '', ...env } });

test('a planted slowdown: failed row, one JUnit failure, JSON entries, exit 1', { timeout: 120_000 }, () => {
  const baseline = join(dir, 'baseline-cpu.json');
  const settings = ['--backend', 'cpu', '--rounds', '8', '--time', '80'];
  const saved = mbench([...settings, '--filter', 'layernorm/tiny', '--save-baseline', baseline]);
  assert.equal(saved.status, 0, saved.stderr);

  const summary = join(dir, 'step-summary.md');
  writeFileSync(summary, '## earlier step\n');
  const junit = join(dir, 'kernels.xml');
  const json = join(dir, 'bench.json');
  // layernorm/mini is not in the baseline: a "new" row, deterministic whatever the timing noise.
  const r = mbench(
    [...settings, '--filter', 'layernorm/tiny,layernorm/mini', '--plant-slowdown', 'layernorm/tiny', '--compare', baseline, '--threshold', '25%',
      '--report', 'github', 'junit', junit, '--report', 'json', json],
    { GITHUB_STEP_SUMMARY: summary },
  );
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /REGRESSION/);
  assert.match(r.stderr, /github report appended to \$GITHUB_STEP_SUMMARY/);

  const md = readFileSync(summary, 'utf8');
  assert.ok(md.startsWith('## earlier step\n### Kernel regression check (cpu): ❌ regression\n'), md);
  assert.match(md, /\n\| ❌ \| `layernorm\/tiny` \| [\d.]+ \| [\d.]+ \| \+[\d.]+% \| \+[\d.]+% … \+[\d.]+% \| \*\*slower\*\* \|\n/);
  assert.match(md, /\n\| 🆕 \| `layernorm\/mini` \| \| \| \| \| new \(not in the baseline\) \|\n/);
  assert.match(md, /\n\*\*1 slower\*\*, 0 same, 0 faster, 1 new\.\n/);

  const root = parseXml(readFileSync(junit, 'utf8'));
  assert.equal(root.attrs.tests, '2');
  assert.equal(root.attrs.failures, '1');
  const failures = findAll(root, 'failure');
  assert.equal(failures.length, 1);
  const failed = findAll(root, 'testcase').filter((c) => findAll(c, 'failure').length > 0);
  assert.deepEqual(failed.map((c) => c.attrs.name), ['layernorm/tiny']);
  assert.match(failures[0]!.attrs.message!, /^\+[\d.]+% slower than the baseline \(95% interval/);
  assert.equal(findAll(root, 'skipped').length, 1);

  const entries = JSON.parse(readFileSync(json, 'utf8')) as Array<{ name: string; unit: string; value: number; extra: string }>;
  assert.deepEqual(entries.map((e) => e.name), ['layernorm/tiny (cpu)', 'layernorm/mini (cpu)']);
  assert.ok(entries.every((e) => e.unit === '× calibration matmul' && e.value > 0));
  assert.match(entries[0]!.extra, /, slower$/);
});

test('--report refusals come before any measuring: one line, exit 2', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--report', 'github'], /--report github reports the regression check's verdicts: give --compare BASELINE too/],
    [['--report', 'junit'], /--report junit needs a FILE to write/],
    [['--report', 'xml', 'a.xml'], /--report: unknown format 'xml'; known: github, junit, json/],
    [['--backend', 'wasm,cpu', '--report', 'json', 'b.json'], /--report works with one backend at a time/],
  ];
  for (const [args, message] of cases) {
    const r = mbench(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stdout, '');
  }
});
