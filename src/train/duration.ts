/**
 * Training durations in Composer's units (https://docs.mosaicml.com/projects/composer/en/stable/trainer/time.html):
 * `200ba` steps, `6400sp` samples, `1e6tok` tokens, `2ep` epochs, `0.06dur` a fraction of the whole run (for
 * warmup), plus wall-clock `30s` / `5m` / `1.5h`, which stop on measured training time (evaluation and checkpoint
 * I/O excluded).
 *
 * Tokens count every position of the [batch, seqLen] tensor (Composer's convention for padded samples) unless
 * the caller passes a smaller `tokensPerSample`; the run itself reports real (non-pad) tokens separately.
 */
import { UserError } from '../errors.js';

export type CountUnit = 'ba' | 'sp' | 'tok' | 'ep' | 'dur';
export type ClockUnit = 's' | 'm' | 'h';
export type DurationUnit = CountUnit | ClockUnit;

export interface Duration {
  value: number;
  unit: DurationUnit;
  /** The string as written, for messages. */
  text: string;
}

const UNITS: readonly DurationUnit[] = ['ba', 'sp', 'tok', 'ep', 'dur', 's', 'm', 'h'];
const PATTERN = /^(\d+(?:\.\d*)?|\.\d+)(?:e([+-]?\d+))?(ba|sp|tok|ep|dur|s|m|h)$/i;
const SECONDS_PER: Record<ClockUnit, number> = { s: 1, m: 60, h: 3600 };

/**
 * Parses `text` as a duration; `flag` names where it came from in errors (e.g. `--duration`).
 * Zero is refused unless `allowZero` (a warmup may be `0ba`); negative values never parse.
 */
export function parseDuration(text: string, flag = 'duration', opts: { allowZero?: boolean } = {}): Duration {
  const trimmed = String(text).trim();
  const m = PATTERN.exec(trimmed.replace(/_/g, ''));
  if (!m) {
    const sign = trimmed.startsWith('-') ? ' (durations must be positive)' : '';
    throw new UserError(
      `${flag}: cannot parse duration '${text}'${sign}; write a number and a unit: ${UNITS.join(', ')} ` +
        `(e.g. 200ba, 6400sp, 1e6tok, 2ep, 0.06dur, 30s, 5m, 1.5h)`,
    );
  }
  const value = Number(m[1]) * 10 ** Number(m[2] ?? 0);
  const unit = m[3]!.toLowerCase() as DurationUnit;
  if (!Number.isFinite(value)) throw new UserError(`${flag}: duration '${text}' is not a finite number`);
  if (value === 0 && !opts.allowZero) throw new UserError(`${flag}: duration '${text}' must be positive`);
  if ((unit === 'ba' || unit === 'sp' || unit === 'tok') && !Number.isInteger(value)) {
    throw new UserError(`${flag}: duration '${text}' must be a whole number of ${unit === 'ba' ? 'steps' : unit === 'sp' ? 'samples' : 'tokens'}`);
  }
  if (unit === 'dur' && value > 1) throw new UserError(`${flag}: duration '${text}' is a fraction of the run and must be at most 1dur`);
  return { value, unit, text: trimmed };
}

/** Count units, whose zero means "no training at all". */
const COUNT_UNITS: readonly DurationUnit[] = ['ba', 'sp', 'tok', 'ep'];

/**
 * A run's length: any duration, or zero of a count unit — a random-init point (no pretraining; the initial
 * weights are evaluated and fine-tuned). Every zero is spelled `0ba`, so `0tok` and `0ba` are one run.
 */
export function parseRunDuration(text: string, flag = 'duration'): Duration {
  const d = parseDuration(text, flag, { allowZero: true });
  if (d.value !== 0) return d;
  if (!COUNT_UNITS.includes(d.unit)) throw new UserError(`${flag}: duration '${text}' is zero wall-clock time; a run without pretraining (random init) is written 0ba`);
  return { value: 0, unit: 'ba', text: '0ba' };
}

/** True for a run that does no pretraining (`0ba`). */
export function isZeroDuration(d: Duration): boolean {
  return d.value === 0;
}

export function isWallClock(d: Duration): d is Duration & { unit: ClockUnit } {
  return d.unit === 's' || d.unit === 'm' || d.unit === 'h';
}

/** Seconds of a wall-clock duration. */
export function durationSeconds(d: Duration): number {
  if (!isWallClock(d)) throw new Error(`duration '${d.text}' is not wall-clock`);
  return d.value * SECONDS_PER[d.unit];
}

export interface StepContext {
  batchSize: number;
  /** Tokens one sample counts for in `tok` durations (usually seqLen). */
  tokensPerSample: number;
  /** Samples in one epoch of the training source (for `ep`). */
  samplesPerEpoch: number;
  /** Steps of the whole run (for `dur`); absent when the run's length is not known yet. */
  totalSteps?: number;
}

/** Optimizer steps needed to cover a count duration, rounded up (a partial batch is a whole step). */
export function durationSteps(d: Duration, ctx: StepContext): number {
  const ceil = (x: number): number => Math.ceil(x - 1e-9);
  switch (d.unit) {
    case 'ba':
      return d.value;
    case 'sp':
      return ceil(d.value / ctx.batchSize);
    case 'tok':
      return ceil(d.value / (ctx.batchSize * ctx.tokensPerSample));
    case 'ep':
      return ceil((d.value * ctx.samplesPerEpoch) / ctx.batchSize);
    case 'dur':
      if (ctx.totalSteps === undefined) throw new UserError(`duration '${d.text}' is a fraction of the run and cannot set the run's own length`);
      return Math.round(d.value * ctx.totalSteps);
    default:
      throw new UserError(`duration '${d.text}' is wall-clock time; it has no fixed step count`);
  }
}

/** Fraction of the run a duration covers, given the run's total (steps or seconds); used for warmup. */
export function durationFraction(d: Duration, ctx: StepContext & { totalSeconds?: number }): number {
  if (d.unit === 'dur') return d.value;
  if (isWallClock(d)) {
    if (ctx.totalSeconds === undefined) throw new UserError(`duration '${d.text}' is wall-clock time; it needs a wall-clock run`);
    return Math.min(1, durationSeconds(d) / ctx.totalSeconds);
  }
  if (ctx.totalSteps === undefined) throw new UserError(`duration '${d.text}' needs a run with a known number of steps`);
  return Math.min(1, durationSteps(d, ctx) / ctx.totalSteps);
}

/**
 * Where `point` falls within a run of length `total`, as a fraction in (0, ∞), or null when the two cannot be
 * compared without running (e.g. `tok` against `ba`: real tokens per batch depend on the data). Sweep `evalAt`
 * points are planned with it and turned into steps with it.
 */
export function fractionOf(point: Duration, total: Duration): number | null {
  if (point.unit === 'dur') return point.value;
  if (point.unit === total.unit) return point.value / total.value;
  if (isWallClock(point) && isWallClock(total)) return durationSeconds(point) / durationSeconds(total);
  return null;
}
