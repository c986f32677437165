// A full, read-only or forbidden disk reads as the path and what went wrong, never as an internal error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { UserError, storageError } from '../../src/errors.js';
import { appendJsonLine } from '../../src/results/atomic.js';
import { reportError } from '../../src/cli/common.js';

test('errno codes of storage become one-line user errors naming the path; other errors pass through', () => {
  const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write', path: '/data/run/metrics.jsonl' });
  const e = storageError(enospc);
  assert.ok(e instanceof UserError);
  assert.equal(e.message, 'cannot write /data/run/metrics.jsonl: no space left on the device (ENOSPC)');
  assert.equal(e.exitCode, 1);
  const erofs = Object.assign(new Error('EROFS'), { code: 'EROFS', syscall: 'rename', path: '/ro/.x.tmp', dest: '/ro/x' });
  assert.equal(storageError(erofs)!.message, 'cannot rename /ro/.x.tmp → /ro/x: the filesystem is read-only (EROFS)');
  assert.equal(storageError(new Error('plain bug')), null);
  assert.equal(storageError(Object.assign(new Error('x'), { code: 'ENOENT' })), null);
});

test('a real ENOSPC (/dev/full) from the run store names the file, and the CLI prints it without a stack', (t) => {
  if (!existsSync('/dev/full')) return t.skip('no /dev/full on this system');
  let thrown: unknown;
  try {
    appendJsonLine('/dev/full', { kind: 'train', step: 1 });
  } catch (err) {
    thrown = err;
  }
  assert.match(storageError(thrown)!.message, /^cannot write \/dev\/full: no space left on the device \(ENOSPC\)$/);
  const written: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((s: string) => (written.push(s), true)) as typeof process.stderr.write;
  try {
    assert.equal(reportError(thrown), 1);
  } finally {
    process.stderr.write = write;
  }
  assert.deepEqual(written, ['mbench: error: cannot write /dev/full: no space left on the device (ENOSPC)\n']);
});
