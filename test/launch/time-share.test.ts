import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { PlannedRun, RunResult, SweepReport } from '../../src/launch/executor.js';
import { timeShare, timeShareLine } from '../../src/launch/time-share.js';
import { makeSummary } from '../pareto/synthetic.js';

test('the pretraining share counts the timed steps of runs this invocation finished against wall × slots', () => {
  const root = mkdtempSync(join(tmpdir(), 'mbench-share-'));
  const runs = ['a', 'b', 'c'].map((id) => {
    const dir = join(root, id);
    mkdirSync(dir);
    return { spec: { id }, dir } as unknown as PlannedRun;
  });
  // whole summaries (the store reads only valid ones), with the three numbers that matter here
  const summary = (wall: number, setup: number, ft: number) => {
    const s = makeSummary('share', { recipe: 'bert', wallSeconds: wall, score: 0.5, tasks: { spam: 0.5 } });
    return { ...s, pretrain: { ...s.pretrain, setupSeconds: setup }, finetune: { ...s.finetune!, wallSeconds: ft } };
  };
  writeFileSync(join(root, 'a', 'summary.json'), JSON.stringify(summary(60, 0.5, 4)));
  writeFileSync(join(root, 'b', 'summary.json'), JSON.stringify(summary(30, 0.25, 4)));
  writeFileSync(join(root, 'c', 'summary.json'), JSON.stringify(summary(1000, 1, 1)));
  const results = new Map<string, RunResult>([
    ['a', { state: 'finished' }],
    ['b', { state: 'finished' }],
    ['c', { state: 'already-finished' }], // finished by an earlier sweep: not this one's time
  ]);
  const t = timeShare(runs, { results, interrupted: false } as SweepReport, 75, 2)!;
  assert.deepEqual(t, { runs: 2, wallSeconds: 75, slots: 2, pretrainSeconds: 90, setupSeconds: 0.75, finetuneSeconds: 8, pretrainShare: 0.6 });
  assert.match(timeShareLine(t), /75 s wall × 2 run slots; 2 runs spent 90 s in timed pretraining steps \(60% of the slots' time\)/);
  assert.equal(timeShare(runs, { results: new Map(), interrupted: false } as SweepReport, 75, 2), null);
});
