/**
 * Training durations as sweep files write them (Composer-style units, DESIGN.md "Durations"):
 * `ba` steps, `sp` samples, `tok` tokens, `ep` epochs, `dur` fraction of the run (warmup only),
 * and wall-clock `s`/`m`/`h`. The config stage only parses and compares them; the training loop owns
 * what they mean at run time.
 */
export const DURATION_UNITS = ['ba', 'sp', 'tok', 'ep', 'dur', 's', 'm', 'h'] as const;
export type DurationUnit = (typeof DURATION_UNITS)[number];

export interface Duration {
  value: number;
  unit: DurationUnit;
}

const DURATION_RE = /^\s*([0-9]+(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?)\s*(ba|sp|tok|ep|dur|s|m|h)\s*$/i;

/** Parses `200ba`, `1.5h`, `0.06dur`, `2e6tok`; returns a message instead of throwing. */
export function parseDuration(text: string): Duration | string {
  const m = DURATION_RE.exec(text);
  if (!m) return `'${text}' is not a duration: write a positive number and a unit (${DURATION_UNITS.join(', ')}), e.g. 200ba or 30m`;
  const value = Number(m[1]);
  const unit = m[2]!.toLowerCase() as DurationUnit;
  if (!(value > 0) || !Number.isFinite(value)) return `duration '${text}' must be positive`;
  if ((unit === 'ba' || unit === 'sp' || unit === 'tok') && !Number.isInteger(value)) {
    return `duration '${text}' must be a whole number of ${unit}`;
  }
  if (unit === 'dur' && value > 1) return `duration '${text}' is a fraction of the run and must be at most 1dur`;
  return { value, unit };
}

/** The canonical spelling (`200ba`, `0.5h`): equal durations have equal strings, so run ids agree. */
export function formatDuration(d: Duration): string {
  return `${d.value}${d.unit}`;
}

/** Seconds for wall-clock units, null for the others. */
export function durationSeconds(d: Duration): number | null {
  if (d.unit === 's') return d.value;
  if (d.unit === 'm') return d.value * 60;
  if (d.unit === 'h') return d.value * 3600;
  return null;
}

/**
 * Where `point` falls within a run of length `total`, as a fraction in (0, ∞), or null when the two
 * cannot be compared without running (e.g. `tok` against `ba`: real tokens per batch depend on the data).
 */
export function fractionOf(point: Duration, total: Duration): number | null {
  if (point.unit === 'dur') return point.value;
  if (point.unit === total.unit) return point.value / total.value;
  const ps = durationSeconds(point);
  const ts = durationSeconds(total);
  if (ps !== null && ts !== null) return ps / ts;
  return null;
}
