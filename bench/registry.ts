/**
 * Every case the suite knows, and `--filter`. Sizes and padding fractions follow the issue: tiny, mini and
 * base; seq 128; pads 0/25/50% where padding changes the work (unpadded attention, pad/unpad, the mosaic
 * layer); 25% elsewhere. The default run fits in about a minute on wasm; `--all` (or a --filter naming them)
 * adds the cases that take over a second a call there.
 */
import { UserError, didYouMean } from '../src/errors.js';
import type { KernelCase } from './types.js';
import { adamwCase } from './cases/adamw.js';
import { paddedAttentionCase, padUnpadCase, unpaddedAttentionCase } from './cases/attention.js';
import { embeddingGatherCase, embeddingGradCase } from './cases/embedding.js';
import { encoderLayerCase } from './cases/encoder.js';
import { gegluCase, geluMlpCase, layerNormCase } from './cases/feedforward.js';
import { mlmDecoderXentCase, mlmHeadLossCase } from './cases/mlm.js';
import { sizes, type PadPercent } from './cases/shapes.js';

const { tiny, mini, base } = sizes;
const pads: PadPercent[] = [0, 25, 50];

/** Cases that take over a second per call on wasm: measured with --all or when a --filter names them. */
export function slowCases(): KernelCase[] {
  // The decoder at bench:train's batch (32 × 128 tokens, 1229 masked rows): the shape the fused head is for.
  return [mlmHeadLossCase(base), mlmDecoderXentCase(tiny, 32), mlmDecoderXentCase(mini, 32)];
}

/** Every case: the default run plus the slow ones. */
export function allCases(): KernelCase[] {
  return [...defaultCases(), ...slowCases()];
}

/** The default run: every kernel at tiny/mini/base where a call stays well under a second on wasm. */
export function defaultCases(): KernelCase[] {
  return [
    ...[tiny, mini, base].map((s) => paddedAttentionCase(s, 25)),
    ...pads.map((p) => unpaddedAttentionCase(mini, p)),
    unpaddedAttentionCase(tiny, 25),
    unpaddedAttentionCase(base, 25),
    ...pads.map((p) => padUnpadCase(mini, p)),
    padUnpadCase(base, 25),
    ...[tiny, mini, base].flatMap((s) => [geluMlpCase(s), gegluCase(s)]),
    ...[tiny, mini, base].map(layerNormCase),
    ...[mini, base].flatMap((s) => [embeddingGatherCase(s), embeddingGradCase(s)]),
    mlmHeadLossCase(mini),
    ...[tiny, mini].map((s) => mlmDecoderXentCase(s)),
    ...[mini, base].map(adamwCase),
    encoderLayerCase(tiny, 'bert', 25),
    encoderLayerCase(mini, 'bert', 25),
    ...pads.map((p) => encoderLayerCase(mini, 'mosaic', p)),
  ];
}

/**
 * Selects cases by a comma-separated list of patterns; a case is kept when any pattern matches its name:
 * a pattern with `*` is a glob over the whole name, otherwise a case-insensitive substring. A pattern that
 * matches nothing is an error naming it (a typo should not silently shrink a CI check).
 */
export function filterCases(cases: readonly KernelCase[], filter: string | undefined): KernelCase[] {
  if (filter === undefined || filter.trim() === '') return [...cases];
  const patterns = filter.split(',').map((p) => p.trim()).filter((p) => p !== '');
  const matchers = patterns.map((p) => ({ pattern: p, test: matcherFor(p) }));
  for (const { pattern, test } of matchers) {
    if (!cases.some((c) => test(c.name))) {
      const kernels = [...new Set(cases.map((c) => c.kernel))];
      const words = [...new Set(cases.flatMap((c) => c.name.split(/[/-]/)))];
      throw new UserError(
        `--filter '${pattern}' matches no kernel case${didYouMean(pattern, [...kernels, ...words])}; kernels: ${kernels.join(', ')} ` +
          `(names look like 'attention-alibi-unpadded/mini/pad25'; 'mbench kernels --list' prints them all)`,
      );
    }
  }
  return cases.filter((c) => matchers.some(({ test }) => test(c.name)));
}

function matcherFor(pattern: string): (name: string) => boolean {
  const lower = pattern.toLowerCase();
  if (!lower.includes('*')) return (name) => name.toLowerCase().includes(lower);
  const regex = new RegExp(`^${lower.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return (name) => regex.test(name.toLowerCase());
}
