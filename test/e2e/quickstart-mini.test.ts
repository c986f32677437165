// End to end, as a user runs it: a miniature of sweeps/quickstart.yaml (bert vs mosaic, tiny, two pretraining
// lengths, two pretraining seeds, real engine on wasm) through `mbench sweep --plot`, then every output file is
// opened and checked, `mbench status` is asked, and the same command is run again (it must rerun nothing).
//
// Why GLUE and not micro-GLUE: micro-GLUE's smallest task has 1000 training examples, so even with
// `finetune.epochs: 1` it costs ~15 CPU s per run (×8 runs). A tiny GLUE folder in the standard layout
// (test/data/glue-files.ts) runs the same fine-tuning code path (suite loader, [CLS] head, AdamW, best-of-eval)
// in well under a second per run. Runs pretrain on the embedded default corpus (its token cache is shared
// with every other command under <cwd>/results/.cache, built once).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { compile } from 'vega-lite';
import { INLINED_BUNDLES, packageDir, scriptSafe } from '../../src/pareto/chart/html.js';
import { repoRoot } from '../../src/version.js';
import { writeTinyGlue } from '../data/glue-files.js';

const RECIPES = ['bert', 'mosaic'];
const DURATIONS = [1, 2]; // pretraining steps
const SEEDS = [1, 2];
const RUNS = RECIPES.length * DURATIONS.length * SEEDS.length;

const root = mkdtempSync(join(tmpdir(), 'mbench-e2e-'));
process.once('exit', () => rmSync(root, { recursive: true, force: true }));
const glueDir = join(root, 'glue');
const results = join(root, 'results');
const sweepFile = join(root, 'e2e-mini.yaml');
const sweepDir = join(results, 'e2e-mini');
const paretoDir = join(sweepDir, 'pareto');

function mbench(...args: string[]): SpawnSyncReturns<string> {
  // cwd = the checkout, as a user runs it: the default corpus's token cache lives in <cwd>/results/.cache.
  return spawnSync(process.execPath, [join(repoRoot, 'bin/mbench.js'), ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
    maxBuffer: 64 * 1024 * 1024,
  });
}

const sweepArgs = ['sweep', sweepFile, '--results', results, '--plot'];
let first: SpawnSyncReturns<string>;

before(() => {
  writeTinyGlue(glueDir);
  writeFileSync(
    sweepFile,
    [
      'name: e2e-mini',
      'description: miniature of sweeps/quickstart.yaml for the end-to-end test',
      'baseline: bert',
      'defaults: { size: tiny, seqLen: 32, batchSize: 4, backend: wasm, corpus: default, evalSamples: 64 }',
      'matrix:',
      `  recipe: [${RECIPES.join(', ')}]`,
      `  duration: [${DURATIONS.map((d) => `${d}ba`).join(', ')}]`,
      `seeds: [${SEEDS.join(', ')}]`,
      `finetune: { suite: glue, glueDir: ${JSON.stringify(glueDir)}, tasks: [sst2], seeds: [1], epochs: 1 }`,
      'pricePerDeviceHour: 0.05',
      '',
    ].join('\n'),
  );
  first = mbench(...sweepArgs);
});

const runIds = (): string[] => readdirSync(sweepDir).filter((d) => existsSync(join(sweepDir, d, 'spec.json')));
const readJsonFile = (path: string): any => JSON.parse(readFileSync(path, 'utf8'));

test('the sweep finishes every run, with plain progress lines, and prints the frontier and speedup tables', () => {
  assert.equal(first.status, 0, `exit ${first.status}\n${first.stderr}`);
  assert.ok(!first.stderr.includes('\x1b['), 'CI: no terminal escape codes in the progress');
  assert.match(first.stderr, /^\d{4}-\d\d-\d\dT\S+Z started bert-tiny-1ba-s1 \(\w{12}\)$/m, 'timestamped start lines');
  assert.equal((first.stderr.match(/\] finished \S+ \(\w{12}\): score /g) ?? []).length, RUNS, first.stderr);
  assert.match(first.stderr, new RegExp(`sweep e2e-mini: ${RUNS}/${RUNS} runs finished · mbench status e2e-mini --results `));
  assert.match(first.stderr, /wrote \d+ files to .*e2e-mini\/pareto/);
  assert.match(first.stdout, /Pareto frontier per recipe \(average score vs \w+, sweep e2e-mini\)/);
  assert.match(first.stdout, /frontier/);
  assert.match(first.stdout, /Speedup vs bert/);
});

test('every run folder has a complete summary.json and a parseable metrics.jsonl', () => {
  const ids = runIds();
  assert.equal(ids.length, RUNS);
  const seen = new Set<string>();
  for (const id of ids) {
    const dir = join(sweepDir, id);
    const s = readJsonFile(join(dir, 'summary.json'));
    const where = `${id} (${s.name})`;
    assert.equal(s.schemaVersion, 1, where);
    assert.equal(s.id, id, where);
    assert.equal(s.sweep, 'e2e-mini', where);
    assert.ok(RECIPES.includes(s.recipe), where);
    seen.add(`${s.recipe}/${s.config.duration}/${s.seed}`);
    assert.equal(s.config.backend, 'wasm', where);
    assert.ok(Number.isInteger(s.params) && s.params > 1e6, `${where}: parameter count ${s.params}`);
    const steps = Number(String(s.config.duration).replace('ba', ''));
    assert.equal(s.pretrain.steps, steps, where);
    assert.ok(s.pretrain.wallSeconds > 0, `${where}: pretraining wallSeconds ${s.pretrain.wallSeconds}`);
    assert.ok(s.pretrain.tokens > 0 && s.pretrain.flops > 0 && Number.isFinite(s.pretrain.finalLoss), where);
    assert.equal(s.pretrain.backend, 'wasm', where);
    assert.equal(s.finetune.suite, 'glue', where);
    assert.deepEqual(Object.keys(s.finetune.tasks), ['sst2'], where);
    assert.equal(s.finetune.tasks.sst2.perSeed.length, 1, where);
    assert.ok(typeof s.score === 'number' && s.score >= 0 && s.score <= 1, `${where}: score ${s.score}`);
    assert.ok(s.costUsd > 0, `${where}: cost from pricePerDeviceHour`);
    assert.equal(typeof s.mbenchVersion, 'string', where);

    const lines = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n');
    const records = lines.map((l, i) => {
      try {
        return JSON.parse(l);
      } catch {
        assert.fail(`${dir}/metrics.jsonl line ${i + 1} does not parse: ${l}`);
      }
    });
    const trainSteps = records.filter((r) => r.kind === 'train').map((r) => r.step);
    assert.deepEqual(trainSteps, Array.from({ length: steps }, (_, i) => i + 1), `${where}: one train line per step`);
    for (const r of records.filter((x) => x.kind === 'train')) assert.ok(Number.isFinite(r.loss), `${where}: step ${r.step} loss`);
  }
  assert.equal(seen.size, RUNS, 'every recipe × duration × seed ran once');
});

test('the Vega-Lite specs parse and compile; the SVGs show the axis titles and recipes', () => {
  for (const name of ['pareto', 'tasks']) {
    const spec = readJsonFile(join(paretoDir, `${name}.vl.json`));
    const vega = compile(spec).spec;
    assert.ok(Array.isArray(vega.marks) && vega.marks.length > 0, `${name}.vl.json compiles to a Vega spec with marks`);
    const svg = readFileSync(join(paretoDir, `${name}.svg`), 'utf8');
    assert.ok(svg.startsWith('<svg'), `${name}.svg starts with <svg`);
    assert.ok(svg.trimEnd().endsWith('</svg>'), `${name}.svg is whole`);
    for (const recipe of RECIPES) assert.ok(svg.includes(`>${recipe}</text>`), `${name}.svg names ${recipe}`);
  }
  const svg = readFileSync(join(paretoDir, 'pareto.svg'), 'utf8');
  assert.match(svg, />Pretraining time \((seconds|minutes|hours)\)<\/text>/, 'x axis title');
  assert.match(svg, />Average fine-tuning score \(×100\)<\/text>/, 'y axis title');
  assert.match(svg, /Score vs pretraining time — e2e-mini/, 'chart title');
});

test('the PNGs are real images; the HTML page fetches nothing of mbench’s own making', () => {
  for (const name of ['pareto', 'tasks']) {
    const png = readFileSync(join(paretoDir, `${name}.png`));
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${name}.png signature`);
    assert.ok(png.length > 10_000, `${name}.png has content (${png.length} bytes)`);
  }
  // The page minus the inlined vega/vega-lite/vega-embed bundles is what mbench wrote (as test/pareto/html.test.ts).
  let own = readFileSync(join(paretoDir, 'pareto.html'), 'utf8');
  for (const { pkg, file } of INLINED_BUNDLES) {
    const bundle = scriptSafe(readFileSync(join(packageDir(pkg), file), 'utf8'));
    const at = own.indexOf(bundle);
    assert.ok(at >= 0, `${pkg} is inlined whole`);
    own = own.slice(0, at) + own.slice(at + bundle.length);
  }
  assert.ok(!/https?:\/\//i.test(own), 'no http(s) URL outside the inlined bundles');
  assert.ok(!/\b(src|href)\s*=/i.test(own), 'no src/href attributes');
  assert.match(own, /vegaEmbed\(/, 'the charts are embedded');
  assert.match(own, /e2e-mini/);
});

test('runs.csv has one row per run with the expected columns; aggregates.csv one row per recipe × duration', () => {
  const runs = parse(readFileSync(join(paretoDir, 'runs.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
  for (const col of ['kind', 'sweep', 'id', 'name', 'recipe', 'config', 'seed', 'hours', 'cost_usd', 'tokens', 'flops', 'score', 'task_sst2', 'included']) {
    assert.ok(col in runs[0]!, `runs.csv has column ${col}`);
  }
  const rows = runs.filter((r) => r.kind === 'run');
  assert.equal(rows.length, RUNS);
  assert.deepEqual(rows.map((r) => r.id).sort(), runIds().sort(), 'one row per run folder');
  for (const r of rows) {
    const s = readJsonFile(join(sweepDir, r.id!, 'summary.json'));
    assert.equal(r.recipe, s.recipe);
    assert.equal(Number(r.seed), s.seed);
    assert.equal(Number(r.score), s.score);
    assert.ok(Math.abs(Number(r.hours) * 3600 - s.pretrain.wallSeconds) < 1e-6, `${r.id}: hours = pretraining wallSeconds / 3600`);
    assert.equal(r.included, 'true');
  }
  const aggregates = parse(readFileSync(join(paretoDir, 'aggregates.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
  const points = aggregates.filter((a) => a.kind === 'run');
  assert.equal(points.length, RECIPES.length * DURATIONS.length);
  for (const a of points) {
    assert.equal(Number(a.n), SEEDS.length, `${a.recipe} ${a.config}: a mean over both seeds`);
    for (const col of ['x_mean', 'y_mean', 'y_ci_low', 'y_ci_high']) assert.ok(Number.isFinite(Number(a[col])), `${col} is a number`);
  }
});

test('mbench status reports every run done', () => {
  const r = mbench('status', sweepFile, '--results', results);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`${RUNS} runs: ${RUNS} done, 0 running, 0 failed, 0 partial, 0 pending`));
  for (const id of runIds()) {
    const score = readJsonFile(join(sweepDir, id, 'summary.json')).score as number;
    assert.match(r.stdout, new RegExp(`${id} .* done .* ${score.toFixed(4)} `), `${id}: a done row with its score`);
  }
});

test('running the same sweep again reruns nothing and says so', () => {
  const before = new Map(runIds().map((id) => [id, statSync(join(sweepDir, id, 'summary.json')).mtimeMs]));
  const again = mbench(...sweepArgs);
  assert.equal(again.status, 0, again.stderr);
  assert.ok(!/ started /.test(again.stderr), `no run starts:\n${again.stderr}`);
  assert.equal((again.stderr.match(/\] already finished \S+ \(\w{12}\): score /g) ?? []).length, RUNS, again.stderr);
  assert.match(again.stderr, new RegExp(`${RUNS}/${RUNS} runs finished`));
  for (const [id, mtime] of before) {
    assert.equal(statSync(join(sweepDir, id, 'summary.json')).mtimeMs, mtime, `${id}: summary.json untouched`);
    assert.equal(readFileSync(join(sweepDir, id, 'attempts.jsonl'), 'utf8').trim().split('\n').length, 1, `${id}: started once`);
  }
  assert.match(again.stdout, /Speedup vs bert/, 'the Pareto outputs are rewritten from the same runs');
});
