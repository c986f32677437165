import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createDisplay } from '../../src/launch/display.js';
import { describeProgress, formatSeconds } from '../../src/launch/progress-lines.js';
import type { PlannedRun } from '../../src/launch/executor.js';
import type { RunSpec } from '../../src/config/run-spec.js';

function sink(): { out: Writable & { columns?: number }; text: () => string } {
  let text = '';
  const out = new Writable({
    write(chunk, _enc, cb) {
      text += String(chunk);
      cb();
    },
  });
  return { out, text: () => text };
}

const run = (id: string, name: string): PlannedRun => ({ dir: `/nonexistent/${id}`, spec: { id, name, intermediates: [] } as unknown as RunSpec });
const step = (n: number) => ({ phase: 'pretrain' as const, step: n, totalSteps: 40, loss: 3.21, tokensPerSecond: 1234.5, etaSeconds: 75 });

test('progress text: step, percentage, loss, tokens/s and ETA', () => {
  assert.equal(describeProgress(step(10)), 'pretrain step 10/40 (25%) loss 3.210 1,235 tok/s eta 1m15s');
  assert.equal(formatSeconds(3725), '1h02m');
  assert.equal(formatSeconds(59.4), '59s');
});

test('without a terminal: timestamped lines, a run\'s progress at most once per interval', () => {
  const s = sink();
  const d = createDisplay({ out: s.out, live: false, sweep: 'demo', total: 2, plainEveryMs: 60_000 });
  const a = run('aaaaaaaaaaaa', 'bert-tiny-s1');
  d.started(a);
  d.progress(a, step(1));
  d.progress(a, step(2)); // within the interval: not printed
  d.ended(a, { state: 'failed', exitCode: 3, signal: null, logPath: '/r/run.log', message: 'boom\nmore' });
  d.close();
  const lines = s.text().trimEnd().split('\n');
  assert.equal(lines.length, 3);
  for (const l of lines) assert.match(l, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ /);
  assert.match(lines[0]!, /started bert-tiny-s1 \(aaaaaaaaaaaa\)$/);
  assert.match(lines[1]!, /bert-tiny-s1: pretrain step 1\/40/);
  assert.match(lines[2]!, /\[1\/2\] FAILED bert-tiny-s1 \(aaaaaaaaaaaa\): exit code 3 \(boom\); log: \/r\/run\.log$/);
  assert.doesNotMatch(s.text(), /\x1b\[/);
});

test('on a terminal: a block redrawn in place with totals and one line per running run', () => {
  const s = sink();
  const d = createDisplay({ out: s.out, live: true, sweep: 'demo', total: 2 });
  const a = run('aaaaaaaaaaaa', 'bert-tiny-s1');
  const b = run('bbbbbbbbbbbb', 'mosaic-tiny-s1');
  d.started(a);
  d.started(b);
  d.progress(b, step(20));
  d.ended(a, { state: 'interrupted' });
  d.close();
  const text = s.text();
  assert.match(text, /\x1b\[\d+A\r\x1b\[J/); // cursor up + clear: redrawn in place
  assert.match(text, /interrupted bert-tiny-s1 \(aaaaaaaaaaaa\)/);
  // the last frame: the totals, then the run still going with its progress
  const lastFrame = text.slice(text.lastIndexOf('\x1b[J') + 3);
  assert.match(lastFrame, /^sweep demo: 1\/2 done · 1 running · 0 failed · \d+s/);
  assert.match(lastFrame, /\n {2}mosaic-tiny-s1 {2}pretrain step 20\/40 \(50%\) loss 3\.210/);
});
