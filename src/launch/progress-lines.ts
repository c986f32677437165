/** Plain progress lines for logs (CI, Slurm, a run without a terminal): `2026-11-28T15:40:02Z message`. */
import type { RunProgressEvent } from './runners/types.js';

export function timestamp(d = new Date()): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function plainLine(message: string): string {
  return `${timestamp()} ${message}\n`;
}

/** `step 120/400 (30%) loss 3.214 1,234 tok/s eta 2m05s` */
export function describeProgress(e: RunProgressEvent): string {
  const parts: string[] = [e.backend ? `${e.phase} on ${e.backend}` : e.phase];
  if (e.detail) parts.push(e.detail);
  if (e.totalSteps) parts.push(`step ${e.step}/${e.totalSteps} (${Math.floor((100 * e.step) / e.totalSteps)}%)`);
  else if (!e.detail) parts.push(`step ${e.step}`);
  if (e.loss !== null) parts.push(`loss ${e.loss.toFixed(3)}`);
  if (e.tokensPerSecond !== null) parts.push(`${Math.round(e.tokensPerSecond).toLocaleString('en-US')} tok/s`);
  if (e.etaSeconds !== null) parts.push(`eta ${formatSeconds(e.etaSeconds)}`);
  return parts.join(' ');
}

/** 75 → `1m15s`, 3725 → `1h02m`. */
export function formatSeconds(s: number): string {
  const t = Math.max(0, Math.round(s));
  if (t < 60) return `${t}s`;
  if (t < 3600) return `${Math.floor(t / 60)}m${String(t % 60).padStart(2, '0')}s`;
  return `${Math.floor(t / 3600)}h${String(Math.floor((t % 3600) / 60)).padStart(2, '0')}m`;
}

/** Calls `fn` at most once per `intervalMs`, plus whenever `force` is true. */
export function throttle<T>(intervalMs: number, fn: (x: T) => void): (x: T, force?: boolean) => void {
  let last = -Infinity;
  return (x, force = false) => {
    const now = Date.now();
    if (!force && now - last < intervalMs) return;
    last = now;
    fn(x);
  };
}
