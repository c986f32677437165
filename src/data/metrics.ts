/**
 * GLUE metrics as pure functions over gold labels and predictions. Conventions follow scikit-learn / scipy
 * (what GLUE's reference scorer uses): a degenerate case (no positive predictions, constant input) scores 0
 * rather than NaN, as sklearn does for F1 and Matthews correlation.
 */

export function accuracy(gold: ArrayLike<number>, pred: ArrayLike<number>): number {
  checkLengths(gold, pred);
  let right = 0;
  for (let i = 0; i < gold.length; i++) if (gold[i] === pred[i]) right++;
  return right / gold.length;
}

/** Binary F1 of the positive class (label 1): 2·TP / (2·TP + FP + FN). */
export function f1Binary(gold: ArrayLike<number>, pred: ArrayLike<number>, positive = 1): number {
  checkLengths(gold, pred);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < gold.length; i++) {
    const g = gold[i] === positive;
    const p = pred[i] === positive;
    if (g && p) tp++;
    else if (p) fp++;
    else if (g) fn++;
  }
  const denom = 2 * tp + fp + fn;
  return denom === 0 ? 0 : (2 * tp) / denom;
}

/** Matthews correlation for binary labels (Matthews 1975): (TP·TN − FP·FN) / √((TP+FP)(TP+FN)(TN+FP)(TN+FN)). */
export function matthews(gold: ArrayLike<number>, pred: ArrayLike<number>): number {
  checkLengths(gold, pred);
  let tp = 0;
  let tn = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < gold.length; i++) {
    const g = gold[i] === 1;
    const p = pred[i] === 1;
    if (g && p) tp++;
    else if (!g && !p) tn++;
    else if (p) fp++;
    else fn++;
  }
  const denom = Math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn));
  return denom === 0 ? 0 : (tp * tn - fp * fn) / denom;
}

/** Pearson's r; 0 when either side is constant. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  checkLengths(x, y);
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? 0 : sxy / Math.sqrt(sxx * syy);
}

/** 1-based ranks with ties given their average rank (scipy.stats.rankdata, method 'average'). */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const order = Array.from({ length: values.length }, (_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Float64Array(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && values[order[j + 1]!] === values[order[i]!]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]!] = rank;
    i = j + 1;
  }
  return ranks;
}

/** Spearman's ρ: Pearson's r of the average ranks (correct with ties, unlike the 1 − 6Σd²/… shortcut). */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  return pearson(averageRanks(x), averageRanks(y));
}

export function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function checkLengths(a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) throw new Error(`metric inputs differ in length: ${a.length} vs ${b.length}`);
  if (a.length === 0) throw new Error('metric of an empty set');
}
