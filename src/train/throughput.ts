/**
 * Throughput numbers of a run. Model FLOPs utilisation follows PaLM (Chowdhery et al. 2022, appendix B): the
 * FLOPs the model needs (forward + backward, analytical, no rematerialisation) per second of training, divided
 * by the peak FLOP/s of the devices used.
 */
export function tokensPerSecond(tokens: number, seconds: number): number {
  return seconds > 0 ? tokens / seconds : 0;
}

/** MFU in [0, 1]; null when the device peak is unknown. */
export function modelFlopsUtilisation(flops: number, seconds: number, peakFlopsPerSecond: number | null, devices = 1): number | null {
  if (peakFlopsPerSecond === null || !(peakFlopsPerSecond > 0) || !(seconds > 0)) return null;
  return flops / seconds / (peakFlopsPerSecond * devices);
}

/**
 * Fallback training FLOPs when the model cannot count its own: 6 × parameters × tokens (Kaplan et al. 2020,
 * "Scaling Laws for Neural Language Models", §2.1), which leaves out attention's sequence-length term.
 */
export function approximateTrainFlops(params: number, tokens: number): number {
  return 6 * params * tokens;
}
