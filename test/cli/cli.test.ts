import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../src/version.js';

const mbench = (...args: string[]) =>
  spawnSync(process.execPath, [join(repoRoot, 'bin/mbench.js'), ...args], { encoding: 'utf8' });

test('mbench --help lists the main commands', () => {
  const r = mbench('--help');
  assert.equal(r.status, 0);
  for (const c of ['sweep', 'pareto', 'kernels', 'pretrain']) assert.match(r.stdout, new RegExp(`mbench ${c}`));
});

test('an unknown command is an error with a non-zero exit', () => {
  const r = mbench('frobnicate');
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /Unknown argument: frobnicate/);
});

test('the command table lists every command with the description its module gives', async () => {
  const { COMMANDS } = await import('../../src/cli/index.js');
  for (const entry of COMMANDS) {
    const { command } = await entry.load();
    assert.equal(String(command.command).split(' ')[0], entry.name, `src/cli/${entry.name}.ts command name`);
    assert.equal(command.describe, entry.describe, `src/cli/${entry.name}.ts describe`);
  }
});

test('each command loads only itself: its --help works and lists its own options', () => {
  const r = mbench('status', '--help');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /mbench status \[sweep\]/);
});
