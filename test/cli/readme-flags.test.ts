// Every `mbench <command> --flag` the README mentions must exist: checked against each command's --help.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS } from '../../src/cli/index.js';
import { repoRoot } from '../../src/version.js';

const SUBCOMMANDS: Record<string, string[]> = { data: ['prepare', 'check'] };

/** (command path, flag) pairs mentioned in the README: flags after `mbench CMD [SUB]` up to the end of its code span. */
export function readmeFlags(readme: string): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  for (const line of readme.split('\n')) {
    const parts = line.split(/\bmbench (?=[a-z])/).slice(1);
    for (const whole of parts) {
      const part = whole.split(/`| # /)[0]!; // a command ends with its code span or its comment
      const words = part.split(/\s+/);
      const cmd = words[0]!.replace(/[^a-z]/g, '');
      if (!COMMANDS.some((c) => c.name === cmd)) continue;
      const sub = SUBCOMMANDS[cmd]?.find((s) => words[1]?.startsWith(s));
      const key = sub ? `${cmd} ${sub}` : cmd;
      const flags = found.get(key) ?? new Set<string>();
      for (const m of part.matchAll(/(?<![\w-])--([a-z][a-z-]*)/g)) if (m[1] !== 'help') flags.add(m[1]!);
      found.set(key, flags);
    }
  }
  return found;
}

test('the README extraction finds commands and their flags', () => {
  const got = readmeFlags('run `mbench sweep FILE --dry-run` then `npx mbench pareto --plot --x cost`; mbench data prepare --corpus x');
  assert.deepEqual([...got.get('sweep')!], ['dry-run']);
  assert.deepEqual([...got.get('pareto')!], ['plot', 'x']);
  assert.deepEqual([...got.get('data prepare')!], ['corpus']);
});

test('every flag the README gives a command is one its --help lists', () => {
  const mentioned = readmeFlags(readFileSync(join(repoRoot, 'README.md'), 'utf8'));
  assert.ok(mentioned.size >= 6, `expected the README to mention most commands, found ${[...mentioned.keys()].join(', ')}`);
  for (const [cmd, flags] of mentioned) {
    const r = spawnSync(process.execPath, [join(repoRoot, 'bin/mbench.js'), ...cmd.split(' '), '--help'], { encoding: 'utf8' });
    assert.equal(r.status, 0, `mbench ${cmd} --help failed: ${r.stderr}`);
    for (const flag of flags) assert.match(r.stdout, new RegExp(`--${flag}\\b`), `README mentions 'mbench ${cmd} --${flag}', which its --help does not list`);
  }
});
