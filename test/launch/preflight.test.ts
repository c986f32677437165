// What a sweep checks before any run starts: corpus paths, the backends it names, the GLUE folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planFromSource } from '../../src/config/expand.js';
import { YamlSource } from '../../src/config/yaml-source.js';
import type { BackendName } from '../../src/engine/backend-names.js';
import { UserError } from '../../src/errors.js';
import { preflight } from '../../src/launch/preflight.js';

const dir = mkdtempSync(join(tmpdir(), 'mbench-preflight-'));
const plan = (body: string) => planFromSource(YamlSource.parse('s.yaml', `name: pf\nmatrix:\n  recipe: [bert]\n  duration: [2ba]\n${body}`));
const unavailable = (missing: string[]) => async (name: BackendName) => ({ name, available: !missing.includes(name), detail: missing.includes(name) ? 'not installed: npm install it' : 'ok' });
const rejects = async (p: Promise<void>, pattern: RegExp) => assert.rejects(p, (e: unknown) => e instanceof UserError && pattern.test(e.message));

test('a missing corpus path, or a folder without corpus files, is refused naming the sweep file', async () => {
  const opts = { executor: 'local' as const, warn: () => {}, probe: unavailable([]) };
  await rejects(preflight(plan(`  corpus: [${join(dir, 'nope')}]\nfinetune: { suite: none }\n`), opts), /^s\.yaml: corpus path '.*nope' does not exist/);
  const empty = join(dir, 'empty');
  mkdirSync(empty);
  await rejects(preflight(plan(`  corpus: [${empty}]\nfinetune: { suite: none }\n`), opts), /^s\.yaml: no corpus files/);
  const full = join(dir, 'full');
  mkdirSync(full);
  writeFileSync(join(full, 'a.txt'), 'some text\n');
  await preflight(plan(`  corpus: [${full}]\nfinetune: { suite: none }\n`), opts);
});

test('a backend that does not load is refused for local runs and a warning for Slurm; auto is never probed', async () => {
  const probed: string[] = [];
  const probe = async (name: BackendName) => {
    probed.push(name);
    return unavailable(['tensorflow'])(name);
  };
  const tf = plan('defaults: { backend: tensorflow }\nfinetune: { suite: none }\n');
  await rejects(preflight(tf, { executor: 'local', warn: () => {}, probe }), /^s\.yaml: backend 'tensorflow' is not available on this machine: not installed: npm install it \(see mbench backends\)/);
  const warnings: string[] = [];
  await preflight(tf, { executor: 'slurm', warn: (l) => warnings.push(l), probe });
  assert.match(warnings.join('\n'), /warning: .*backend 'tensorflow' is not available.*the cluster's nodes may differ/);
  probed.length = 0;
  await preflight(plan('defaults: { backend: auto }\nfinetune: { suite: none }\n'), { executor: 'local', warn: () => {}, probe });
  assert.deepEqual(probed, []);
});

test('a GLUE folder that is missing or incomplete is refused before any run', async () => {
  const opts = { executor: 'local' as const, warn: () => {}, probe: unavailable([]) };
  await rejects(preflight(plan(`finetune: { suite: glue, glueDir: ${join(dir, 'noglue')} }\n`), opts), /^s\.yaml: finetune\.glueDir: GLUE folder '.*noglue' does not exist/);
});

test('a local run on more devices than this machine gives is refused before anything starts; Slurm decides its own', async () => {
  const opts = { executor: 'local' as const, warn: () => {}, probe: unavailable([]) };
  const many = plan('defaults: { backend: cpu, batchSize: 4096, corpus: builtin }\ndevices: 4096\n');
  // without Open MPI the packages to install, with it the core count: either way nothing starts
  await rejects(preflight(many, opts), /^s\.yaml: devices 4096: (4096 devices on backend 'cpu' need a CPU core per rank; this machine gives \d+ cores?|multi-device runs need Open MPI.*openmpi-bin libopenmpi-dev)/);
  await preflight(many, { ...opts, executor: 'slurm' });
});
