/**
 * Sweep progress on stderr. On a terminal: a live block redrawn in place — the sweep's totals and ETA, then one
 * line per running run (phase, step, loss, tokens/s, ETA) — with finished/failed runs printed above it. Not on a
 * terminal (CI, Slurm logs, a pipe): plain timestamped lines, a run's progress at most every `plainEveryMs`.
 */
import { readSummary } from '../results/summary.js';
import type { ExecutorEvents, PlannedRun, RunResult } from './executor.js';
import { describeProgress, formatSeconds, plainLine } from './progress-lines.js';
import type { RunProgressEvent } from './runners/types.js';

export interface DisplayOptions {
  out: NodeJS.WritableStream & { columns?: number };
  live: boolean;
  sweep: string;
  total: number;
  plainEveryMs?: number;
}

export interface Display extends ExecutorEvents {
  close(): void;
}

export function describeResult(run: PlannedRun, r: RunResult): string {
  const name = `${run.spec.name} (${run.spec.id})`;
  switch (r.state) {
    case 'finished':
    case 'already-finished': {
      const score = scoreOf(run);
      return `${r.state === 'finished' ? 'finished' : 'already finished'} ${name}${score === null ? '' : `: score ${score.toFixed(4)}`}`;
    }
    case 'failed':
      return `FAILED ${name}: ${r.signal ? `killed by ${r.signal}` : `exit code ${r.exitCode}`}${r.message ? ` (${r.message.split('\n')[0]})` : ''}; log: ${r.logPath ?? 'none'}`;
    case 'interrupted':
      return `interrupted ${name} (resumes from its checkpoint next time)`;
    case 'left-to-other':
      return `not run here ${name}: ${r.holder}`;
  }
}

function scoreOf(run: PlannedRun): number | null {
  const read = readSummary(run.dir);
  return read.state === 'finished' ? read.summary.score : null;
}

export function createDisplay(o: DisplayOptions): Display {
  const running = new Map<string, { run: PlannedRun; last: RunProgressEvent | null }>();
  const lastPlain = new Map<string, number>();
  const t0 = Date.now();
  let ended = 0;
  let failed = 0;
  let drawnLines = 0;
  let note = '';

  const header = (): string => {
    const elapsed = (Date.now() - t0) / 1000;
    const eta = ended > 0 && ended < o.total ? ` · eta ${formatSeconds((elapsed / ended) * (o.total - ended))}` : '';
    return `sweep ${o.sweep}: ${ended}/${o.total} done · ${running.size} running · ${failed} failed · ${formatSeconds(elapsed)}${eta}`;
  };
  const clip = (s: string): string => (o.out.columns && s.length > o.out.columns - 1 ? s.slice(0, o.out.columns - 2) + '…' : s);
  const erase = (): void => {
    if (drawnLines) o.out.write(`\x1b[${drawnLines}A\r\x1b[J`);
    drawnLines = 0;
  };
  const draw = (): void => {
    if (!o.live) return;
    erase();
    const lines = [header(), ...[...running.values()].map(({ run, last }) => `  ${run.spec.name}  ${last ? describeProgress(last) : 'starting'}`)];
    if (note) lines.push(`  ${note}`);
    o.out.write(lines.map(clip).join('\n') + '\n');
    drawnLines = lines.length;
  };
  const say = (line: string): void => {
    if (o.live) {
      erase();
      o.out.write(line + '\n');
      draw();
    } else o.out.write(plainLine(line));
  };
  const timer = o.live ? setInterval(draw, 250) : null;
  timer?.unref();

  return {
    started(run) {
      running.set(run.spec.id, { run, last: null });
      if (o.live) draw();
      else say(`started ${run.spec.name} (${run.spec.id})`);
    },
    progress(run, e) {
      const r = running.get(run.spec.id);
      if (r) r.last = e;
      if (o.live) return;
      const now = Date.now();
      if (now - (lastPlain.get(run.spec.id) ?? 0) >= (o.plainEveryMs ?? 30_000)) {
        lastPlain.set(run.spec.id, now);
        say(`${run.spec.name}: ${describeProgress(e)}`);
      }
    },
    log() {
      /* the run's own lines go to its run.log */
    },
    ended(run, result) {
      running.delete(run.spec.id);
      ended++;
      if (result.state === 'failed') failed++;
      say(`[${ended}/${o.total}] ${describeResult(run, result)}`);
    },
    note(line) {
      if (o.live) {
        note = line;
        draw();
      } else if (line !== note) {
        note = line;
        say(line);
      }
    },
    close() {
      if (timer) clearInterval(timer);
      if (o.live) {
        note = '';
        draw();
      }
    },
  };
}
