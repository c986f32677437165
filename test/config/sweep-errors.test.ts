import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSweep, planFromSource } from '../../src/config/expand.js';
import { YamlSource } from '../../src/config/yaml-source.js';
import { BadFileError } from '../../src/errors.js';

const plan = (text: string) => planFromSource(YamlSource.parse('s.yaml', text));
const HEAD = 'name: bad\nrunner: mock\ndefaults: { duration: 10ba }\n';

function rejects(text: string, pattern: RegExp): void {
  assert.throws(
    () => plan(text),
    (err: unknown) => {
      assert.ok(err instanceof BadFileError, `expected a BadFileError, got ${String(err)}`);
      assert.match(err.message, pattern);
      return true;
    },
  );
}

test('a YAML syntax error names the line and column', () => {
  rejects('name: x\nmatrix:\n  recipe: [bert\n', /^s\.yaml:4:1: YAML syntax error/);
  rejects('name: x\nname: y\n', /^s\.yaml:2:1: YAML syntax error: Map keys must be unique/);
});

test('an unknown key is an error at its line with a did-you-mean', () => {
  rejects(HEAD + 'matrix:\n  recipe: [bert]\n  sise: [tiny]\n', /^s\.yaml:6:3: matrix\.sise: unknown key 'sise' \(did you mean 'size'\?\)/);
  rejects(HEAD + 'matrix:\n  recipe: [bert]\nfinetune: { suite: glue, sedes: [1] }\n', /finetune\.sedes: unknown key 'sedes' \(did you mean 'seeds'\?\)/);
  rejects(HEAD + 'matrix:\n  recipe: [bert]\nzzzzzz: 1\n', /unknown key 'zzzzzz'; known keys: schemaVersion, name/);
});

test('bad values name the key: an unknown size, a malformed duration, an unknown recipe', () => {
  rejects(HEAD + 'matrix:\n  size: [tiny, huge]\n', /s\.yaml:5:16: matrix\.size\[1\]: Invalid option/);
  rejects(HEAD + 'matrix:\n  duration: [10ba, 20xx]\n', /matrix\.duration\[1\]: cannot parse duration '20xx'/);
  rejects(HEAD + 'matrix:\n  recipe: [bert, mosiac]\n', /unknown recipe 'mosiac' \(did you mean 'mosaic'\?\)/);
  rejects(HEAD.replace('10ba', '0.5dur') + 'matrix:\n  recipe: [bert]\n', /is a fraction/);
});

test('an empty matrix, an include matching nothing, duplicate runs are errors', () => {
  rejects(HEAD + 'matrix: {}\n', /the matrix is empty/);
  rejects(HEAD + 'matrix:\n  recipe: []\n', /s\.yaml:5:11: matrix\.recipe: empty/);
  rejects(HEAD + 'matrix:\n  recipe: [bert]\n  size: [tiny]\n  include:\n    - recipe: mosaik\n      lr: 0.001\n', /s\.yaml:8:7: matrix\.include\[0\]: include entry \{recipe: mosaik, lr: 0\.001\} matches no combination/);
  rejects(HEAD + 'matrix:\n  recipe: [bert, bert]\n', /duplicate run: \{recipe: bert\} seed 1 is the same run as \{recipe: bert\} seed 1/);
  // spelled differently, the same duration
  rejects(HEAD + 'matrix:\n  recipe: [bert]\n  duration: [10ba, 1e1ba]\n', /duplicate run/);
  rejects(HEAD + 'matrix:\n  recipe: [bert]\nseeds: [1, 1]\n', /duplicate run/);
});

test('names that could escape the results folder are refused', () => {
  rejects(HEAD.replace('name: bad', 'name: ../escape') + 'matrix:\n  recipe: [bert]\n', /s\.yaml:1:7: name: sweep name '\.\.\/escape' cannot be used as a folder name/);
  rejects(HEAD.replace('name: bad', 'name: "a $(rm -rf x)"') + 'matrix:\n  recipe: [bert]\n', /cannot be used as a folder name/);
});

test('the baseline must be a recipe with runs; glue needs its folder; evalAt must fall inside some run', () => {
  rejects(HEAD + 'baseline: mosaic\nmatrix:\n  recipe: [bert]\n', /baseline recipe 'mosaic' has no run/);
  rejects(HEAD + 'matrix:\n  recipe: [bert]\nfinetune: { suite: glue }\n', /needs glueDir/);
  rejects(HEAD + 'matrix:\n  recipe: [bert]\nevalAt: [20ba]\n', /evalAt: no run is longer/);
  rejects(HEAD + 'matrix:\n  recipe: [bert]\nevalAt: [100tok]\n', /evalAt\[0\]: '100tok' cannot be compared/);
});

test('a missing or empty file is an error naming it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mbench-sweep-'));
  assert.throws(() => loadSweep(join(dir, 'nope.yaml')), /nope\.yaml: cannot read \(ENOENT\)/);
  writeFileSync(join(dir, 'empty.yaml'), '# nothing\n');
  assert.throws(() => loadSweep(join(dir, 'empty.yaml')), /empty\.yaml: the file is empty/);
  rmSync(dir, { recursive: true, force: true });
});

test('sweep names: hidden, flag-like and reserved names are refused at the name line', () => {
  const body = 'runner: mock\ndefaults: { duration: 10ba }\nmatrix:\n  recipe: [bert]\n';
  rejects(`name: .cache\n${body}`, /^s\.yaml:1:7: name: sweep name '\.cache' cannot be used as a folder name/);
  rejects(`name: "-rf"\n${body}`, /^s\.yaml:1:7: name: sweep name '-rf' cannot be used as a folder name/);
  rejects(`name: "..."\n${body}`, /^s\.yaml:1:7: name: sweep name '\.\.\.' cannot be used/);
  rejects(`name: kernels\n${body}`, /^s\.yaml:1:7: name: sweep name 'kernels' is taken: results\/kernels\/ holds mbench's own kernel benchmark baselines/);
  rejects(`name: reference\n${body}`, /sweep name 'reference' is taken/);
  assert.equal(plan(`name: kernels-2\n${body}`).sweep.name, 'kernels-2');
});

test('Slurm option values with a newline or another control character are refused', () => {
  const body = HEAD + 'matrix:\n  recipe: [bert]\n';
  rejects(body + 'slurm:\n  partition: "debug\\n#SBATCH --uid=0"\n', /^s\.yaml:7:14: slurm\.partition: must be one line with no control characters/);
  rejects(body + 'slurm:\n  extraArgs: ["--qos=low", "--comment=a\\tb"]\n', /slurm\.extraArgs\[1\]: must be one line/);
  assert.deepEqual(plan(body + 'slurm:\n  partition: debug\n  extraArgs: ["--qos=low"]\n').sweep.slurm?.extraArgs, ['--qos=low']);
});

test('a matrix above the run cap is refused before it is built, naming the axes and the cap', () => {
  const values = (n: number, scale: number) => `[${Array.from({ length: n }, (_, i) => (i + 1) * scale).join(', ')}]`;
  const huge = `name: huge\nrunner: mock\ndefaults: { duration: 2ba }\nseeds: [1, 2]\nmatrix:\n  recipe: [bert]\n  lr: ${values(1000, 1e-5)}\n  weightDecay: ${values(1000, 1e-6)}\n`;
  rejects(huge, /^s\.yaml:6:3: matrix: the matrix has 1,000,000 combinations \(1 recipe × 1000 lr × 1000 weightDecay\), above the cap of 50,000 \(maxRuns 100,000 \/ 2 seeds\)/);
  // maxRuns lowers (or raises) the cap; includes that add runs count too
  const small = `name: s\nrunner: mock\nseeds: [1, 2, 3]\nmaxRuns: 6\nmatrix:\n  recipe: [bert, mosaic]\n  duration: [2ba]\n`;
  assert.equal(plan(small).runs.length, 6);
  rejects(small.replace('maxRuns: 6', 'maxRuns: 5'), /the matrix has 2 combinations \(2 recipe × 1 duration\), above the cap of 1 \(maxRuns 5 \/ 3 seeds\)/);
  rejects(small + '  include:\n    - { recipe: bert, duration: 4ba }\n', /the sweep has 9 runs \(includes added\), above the cap of 6 \(maxRuns\)/);
});

test('10⁴ runs: names tell apart the keys that vary, and the plan is built (expansion is linear in the runs)', () => {
  const values = (n: number, scale: number) => `[${Array.from({ length: n }, (_, i) => Number(((i + 1) * scale).toPrecision(6))).join(', ')}]`;
  const p = plan(`name: big\nrunner: mock\ndefaults: { duration: 2ba }\nmatrix:\n  recipe: [bert]\n  lr: ${values(100, 1e-5)}\n  weightDecay: ${values(100, 1e-6)}\n`);
  assert.equal(p.runs.length, 10_000);
  assert.equal(new Set(p.runs.map((r) => r.name)).size, 10_000);
  assert.equal(p.runs[101]!.name, 'bert-tiny-2ba-lr0.00002-weightDecay0.000002-s1');
});

test('finetune: SUITE is short for finetune: { suite: SUITE } (the same runs, the same ids); another word names the suites', () => {
  const text = (finetune: string) => 'name: s\ndefaults: { duration: 10ba }\nmatrix:\n  recipe: [bert, mosaic]\n' + `finetune: ${finetune}\n`;
  const ids = (finetune: string) => plan(text(finetune)).runs.map((r) => r.id);
  assert.deepEqual(ids('none'), ids('{ suite: none }'));
  assert.deepEqual(ids('micro-glue'), ids('{ suite: micro-glue }'));
  assert.notDeepEqual(ids('none'), ids('micro-glue'));
  rejects(text('nothing'), /^s\.yaml:5:11: finetune\.suite: Invalid option: expected one of "micro-glue"\|"glue"\|"none"/);
});
