import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MICRO_GLUE_SIZES, MICRO_GLUE_TASKS, emailText, loadMicroGlue, swapTwoWords } from '../../src/data/micro-glue.js';
import { mulberry32 } from '../../src/random.js';
import { majorityBaseline } from '../../src/data/tasks.js';

const tasks = await loadMicroGlue();

test('every micro-GLUE task has fixed, disjoint train/dev splits of the documented sizes', () => {
  assert.deepEqual(tasks.map((t) => t.spec.name), [...MICRO_GLUE_TASKS]);
  for (const t of tasks) {
    const dev = t.dev.dev!;
    const size = MICRO_GLUE_SIZES[t.spec.name as keyof typeof MICRO_GLUE_SIZES];
    assert.ok(t.train.length <= size.train && t.train.length >= 0.95 * size.train, `${t.spec.name} train ${t.train.length}`);
    assert.ok(dev.length <= size.dev && dev.length >= 0.95 * size.dev, `${t.spec.name} dev ${dev.length}`);
    const norm = (s: string) => s.toLowerCase().replace(/\s+/g, ' ');
    // No sentence (first or second of a pair) appears on both sides.
    const trainTexts = new Set(t.train.flatMap((e) => [norm(e.a), ...(e.b ? [norm(e.b)] : [])]));
    const shared = dev.filter((e) => trainTexts.has(norm(e.a)) || (e.b !== undefined && trainTexts.has(norm(e.b))));
    if (t.spec.name === 'synthetic-acceptability') {
      // a corrupted dev sentence may by chance equal a train sentence only if the source sentence were shared: never
      assert.equal(shared.length, 0);
    } else assert.equal(shared.length, 0, `${t.spec.name}: ${JSON.stringify(shared[0])}`);
    for (const e of [...t.train, ...dev]) assert.ok(e.label === 0 || e.label === 1);
    const positives = t.train.filter((e) => e.label === 1).length / t.train.length;
    assert.ok(positives > 0.25 && positives < 0.75, `${t.spec.name} positives ${positives}`);
  }
});

test('splits are deterministic', async () => {
  const [again] = await loadMicroGlue(['sentiment']);
  assert.deepEqual(again, tasks[0]);
});

test('majority-class baselines: accuracy = majority share, MCC and F1 of a constant predictor = 0', () => {
  const sentiment = majorityBaseline(tasks[0]!);
  const dev = tasks[0]!.dev.dev!;
  const trainMajority = tasks[0]!.train.filter((e) => e.label === 1).length * 2 >= tasks[0]!.train.length ? 1 : 0;
  assert.equal(sentiment.accuracy, dev.filter((e) => e.label === trainMajority).length / dev.length);
  assert.deepEqual(majorityBaseline(tasks[1]!), { f1: 0 });
  assert.deepEqual(majorityBaseline(tasks[2]!), { mcc: 0 });
});

test('synthetic acceptability swaps two distinct plain words and keeps the rest', () => {
  const s = 'The old man saw the sea, and the ship came home.';
  const out = swapTwoWords(s, mulberry32(1))!;
  assert.notEqual(out, s);
  assert.deepEqual(out.split(' ').sort(), s.split(' ').sort());
  assert.ok(out.endsWith('home.'));
  assert.equal(swapTwoWords('Yes, indeed.', mulberry32(1)), undefined);
});

test('spam text: subject plus body without headers, HTML or quoted-printable codes', () => {
  const raw = 'From: a@b.c\nSubject: Cheap  pills\nContent-Type: text/html\n\n<html><body><p>Buy=20now =\nplease</p><style>p{}</style>&nbsp;</body></html>\n';
  assert.equal(emailText(raw), 'Cheap  pills. Buy now please');
});
