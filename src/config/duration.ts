/**
 * Training durations as sweep files write them (Composer-style units, DESIGN.md "Durations"):
 * `ba` steps, `sp` samples, `tok` tokens, `ep` epochs, `dur` fraction of the run (warmup only),
 * and wall-clock `s`/`m`/`h`. The training loop (src/train/duration.ts) parses them and owns what they mean at
 * run time; the config stage normalises their spelling (so run ids agree) and compares them (for evalAt).
 */
import { UserError } from '../errors.js';
import { parseDuration as parseTrainDuration, parseRunDuration as parseTrainRunDuration, type Duration } from '../train/duration.js';

export type { Duration };
export { fractionOf } from '../train/duration.js';

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
