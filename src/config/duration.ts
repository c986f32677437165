/**
 * Training durations as sweep files write them (Composer-style units, DESIGN.md "Durations"):
 * `ba` steps, `sp` samples, `tok` tokens, `ep` epochs, `dur` fraction of the run (warmup only),
 * and wall-clock `s`/`m`/`h`. The training loop (src/train/duration.ts) parses them and owns what they mean at
 * run time; the config stage normalises their spelling (so run ids agree) and compares them (for evalAt).
 */
import { UserError } from '../errors.js';
import { durationSeconds, isWallClock, parseDuration as parseTrainDuration, parseRunDuration as parseTrainRunDuration, type Duration } from '../train/duration.js';

export type { Duration };

/** Parses `200ba`, `1.5h`, `0.06dur`, `2e6tok` with the training loop's parser; returns its message instead of throwing. */
export function parseDuration(text: string): Duration | string {
  try {
    return parseTrainDuration(text, 'duration');
  } catch (err) {
    if (err instanceof UserError) return err.message.replace(/^duration: /, '');
    throw err;
  }
}

/** A run's length (zero allowed as `0ba`, the random-init point); returns the message instead of throwing. */
export function parseRunDuration(text: string): Duration | string {
  try {
    return parseTrainRunDuration(text, 'duration');
  } catch (err) {
    if (err instanceof UserError) return err.message.replace(/^duration: /, '');
    throw err;
  }
}

/** The canonical spelling (`200ba`, `0.5h`): equal durations have equal strings, so run ids agree. */
export function formatDuration(d: Duration): string {
  return `${d.value}${d.unit}`;
}

/** Seconds for wall-clock units, null for the others. */
function seconds(d: Duration): number | null {
  return isWallClock(d) ? durationSeconds(d) : null;
}

/**
 * Where `point` falls within a run of length `total`, as a fraction in (0, ∞), or null when the two
 * cannot be compared without running (e.g. `tok` against `ba`: real tokens per batch depend on the data).
 */
export function fractionOf(point: Duration, total: Duration): number | null {
  if (point.unit === 'dur') return point.value;
  if (point.unit === total.unit) return point.value / total.value;
  const ps = seconds(point);
  const ts = seconds(total);
  if (ps !== null && ts !== null) return ps / ts;
  return null;
}
