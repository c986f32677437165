/** One-line renderings of training progress for stderr. Pure, so the CLI stays thin. */
import type { PretrainResult } from '../results/summary.js';
import type { ProgressEvent } from './types.js';

/** 75 → "1m15s", 3725 → "1h02m", 4.2 → "4s". */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function progressLine(e: ProgressEvent): string {
  const of = e.totalSteps !== null ? `/${e.totalSteps}` : '';
  const budget = e.budgetSeconds !== null ? ` (${formatSeconds(e.trainSeconds)} of ${formatSeconds(e.budgetSeconds)})` : '';
  const eta = e.etaSeconds !== null ? `  ETA ${formatSeconds(e.etaSeconds)}` : '';
  return `step ${e.step}${of}${budget}  loss ${e.loss.toFixed(4)}  lr ${e.lr.toExponential(2)}  ${Math.round(e.tokensPerSecond).toLocaleString('en-US')} tok/s${eta}`;
}

export function resultLines(r: PretrainResult): string[] {
  const pct = (x: number | null): string => (x === null ? 'n/a (device peak unknown)' : `${(x * 100).toFixed(2)}%`);
  return [
    `steps            ${r.steps}`,
    `tokens (real)    ${r.tokens.toLocaleString('en-US')}`,
    `train time       ${r.wallSeconds.toFixed(1)} s (evaluation and checkpoints excluded)`,
    `tokens/s         ${Math.round(r.tokensPerSecond).toLocaleString('en-US')}`,
    `FLOPs            ${r.flops.toExponential(3)}`,
    `MFU              ${pct(r.mfu)}`,
    `final loss       ${r.finalLoss.toFixed(4)}`,
    `eval (15% mask)  ${r.evalLoss === null ? 'not run' : `loss ${r.evalLoss.toFixed(4)}, accuracy ${(r.evalAccuracy! * 100).toFixed(1)}%`}`,
    `backend          ${r.backend} — ${r.device}`,
    ...(r.communicationMsPerStep === undefined
      ? []
      : [`ranks            ${r.ranks ?? r.devices} × microbatch ${r.microbatch ?? '?'}: ${r.communicationMsPerStep.toFixed(1)} ms/step exchanging gradients` +
          (r.rankWaitMsPerStep === undefined ? '' : `, ${r.rankWaitMsPerStep.toFixed(1)} ms/step waiting for the slowest rank`)]),
  ];
}
