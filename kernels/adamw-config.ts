/**
 * The AdamW kernel's settings and MosaicBERT's defaults (kernels/adamw.ts has the update and its formula), in a
 * file without tfjs so the sweep planner and src/train/defaults.ts can read them without loading a backend.
 */
export interface AdamWConfig {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** 'lr': p·(1 − lr·wd) (torch AdamW, the default); 'peak': p·(1 − wd·lr/peakLr) (Composer's DecoupledAdamW). */
  decayScale: 'lr' | 'peak';
}

export const DEFAULT_ADAMW: AdamWConfig = { beta1: 0.9, beta2: 0.98, eps: 1e-6, weightDecay: 1e-5, decayScale: 'lr' };
