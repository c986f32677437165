// Output paths are checked before any work: pseudo-filesystems, files where folders must be, read-only places.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../src/errors.js';
import { checkOutputFile, checkOutputFolder } from '../../src/results/output-path.js';
import { repoRoot } from '../../src/version.js';

const dir = mkdtempSync(join(tmpdir(), 'mbench-outpath-'));
const aFile = join(dir, 'a-file');
writeFileSync(aFile, 'x');

const refuses = (f: () => void, pattern: RegExp): void => {
  assert.throws(f, (e: unknown) => e instanceof UserError && pattern.test(e.message));
};

test('folders: new or existing ones pass; /proc, /sys, files and paths under files are refused, naming the flag', () => {
  checkOutputFolder(join(dir, 'new', 'deeper'));
  checkOutputFolder(dir);
  refuses(() => checkOutputFolder('/proc/x'), /^--out \/proc\/x: lies under \/proc, a kernel pseudo-filesystem/);
  refuses(() => checkOutputFolder('/sys/kernel/mbench', '--results'), /^--results \/sys\/kernel\/mbench: lies under \/sys/);
  refuses(() => checkOutputFolder(aFile), /exists and is not a folder \(a file\)/);
  refuses(() => checkOutputFolder(join(aFile, 'sub')), /a-file is a file, not a folder, so nothing can be created under it/);
});

test('files: a new or existing file passes; a folder or a place under /proc is refused', () => {
  checkOutputFile(join(dir, 'out.json'));
  checkOutputFile(aFile);
  refuses(() => checkOutputFile(dir, '--json'), /^--json .*: is a folder; give a file name/);
  refuses(() => checkOutputFile('/proc/self/x.json'), /^--out \/proc\/self\/x\.json: lies under \/proc/);
});

test('a read-only folder is refused (when permissions bind: not as root)', (t) => {
  if (process.getuid?.() === 0) return t.skip('root ignores write permissions');
  const ro = join(dir, 'ro');
  mkdirSync(ro);
  chmodSync(ro, 0o555);
  refuses(() => checkOutputFolder(join(ro, 'x')), /is not writable/);
});

test('the CLI refuses bad output paths before any work, with exit 2 and one line', () => {
  const mbench = (...args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'bin/mbench.js'), ...args], { encoding: 'utf8', timeout: 60_000 });
  const cases: Array<[string[], RegExp]> = [
    [['pareto', dir, '--csv', '--out', '/proc/x'], /--out \/proc\/x: lies under \/proc/],
    [['pareto', dir, '--csv', '--out', aFile], /--out .*a-file: exists and is not a folder/],
    [['pretrain', '--recipe', 'bert', '--size', 'tiny', '--duration', '2ba', '--out', aFile], /--out .*a-file: exists and is not a folder/],
    [['sweep', join(repoRoot, 'sweeps/quickstart.yaml'), '--results', '/proc/r', '--dry-run'], /--results \/proc\/r: lies under \/proc/],
    [['finetune', join(dir, 'missing.ckpt'), '--out', '/proc/r.json'], /--out \/proc\/r\.json: lies under \/proc/],
    // a folder is read as a run folder (its newest good checkpoint), not as a file: an empty one says so
    [['finetune', dir], /no checkpoints \(step-\*\.ckpt\) in /],
  ];
  for (const [args, pattern] of cases) {
    const r = mbench(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
    assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
  }
});
