/** Shared by the launch tests: temp folders, tiny mock sweeps, and running mbench as a user would. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../src/version.js';
import { which } from '../../src/launch/slurm/commands.js';

export const MBENCH = join(repoRoot, 'bin/mbench.js');

const made: string[] = [];
process.once('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temp folder, removed when the test process exits. */
export function tempDir(prefix = 'mbench-launch-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** A mock sweep of `recipes × durations × seeds` runs; returns the file path. */
export function mockSweep(dir: string, o: { name?: string; durations?: string[]; seeds?: number[]; stepMs?: number; failSeeds?: number[]; extra?: string } = {}): string {
  const file = join(dir, `${o.name ?? 'mock'}.yaml`);
  writeFileSync(
    file,
    [
      `name: ${o.name ?? 'mock'}`,
      'runner: mock',
      'defaults: { size: tiny, seqLen: 16, batchSize: 2, checkpointEvery: 5ba }',
      'matrix:',
      '  recipe: [bert, mosaic]',
      `  duration: [${(o.durations ?? ['20ba']).join(', ')}]`,
      `seeds: [${(o.seeds ?? [1]).join(', ')}]`,
      'finetune: { suite: micro-glue, seeds: [1, 2] }',
      `mock: { stepMs: ${o.stepMs ?? 5}, failSeeds: [${(o.failSeeds ?? []).join(', ')}] }`,
      o.extra ?? '',
    ].join('\n'),
  );
  return file;
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts mbench; `detached` puts it in its own process group (so the test can kill the whole group). */
export function start(args: string[], opts: { env?: NodeJS.ProcessEnv; detached?: boolean } = {}): { child: ChildProcess; done: Promise<Finished> } {
  const child = spawn(process.execPath, [MBENCH, ...args], { env: { ...process.env, ...opts.env }, detached: opts.detached ?? false, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Finished>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

export function mbenchSync(args: string[], env?: NodeJS.ProcessEnv): Finished {
  const r = spawnSync(process.execPath, [MBENCH, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Run folders (12-hex ids) of a sweep. */
export function runFolders(root: string, sweep: string): string[] {
  const dir = join(root, sweep);
  return existsSync(dir) ? readdirSync(dir).filter((n) => /^[0-9a-f]{12}$/.test(n)).map((n) => join(dir, n)) : [];
}

/** Every summary of a sweep by run id, without the fields that differ between two honest executions
 *  (when it finished, and the checkout's commit, which moves when someone commits meanwhile). */
export function comparableSummaries(root: string, sweep: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const dir of runFolders(root, sweep)) {
    const p = join(dir, 'summary.json');
    if (!existsSync(p)) continue;
    const { finishedAt: _f, gitCommit: _g, ...rest } = JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>;
    out[String(rest.id)] = rest;
  }
  return out;
}

export function lines(path: string): string[] {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [];
}

export async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Why no Slurm cluster can take jobs here (sbatch missing, sinfo failing, no usable node), or null. */
export function slurmProblem(): string | null {
  if (!which('sbatch')) return 'sbatch is not on PATH';
  const r = spawnSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8', timeout: 15_000 });
  if (r.status !== 0) return `sinfo failed: ${(r.stderr || r.error?.message || '').trim()}`;
  if (!/idle|mix|alloc/.test(r.stdout)) return `no usable node (sinfo: ${r.stdout.trim() || 'nothing'})`;
  return null;
}
