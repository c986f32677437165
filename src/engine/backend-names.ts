/**
 * Backend names, without loading tfjs: the sweep schema, the CLI and the executor import these, and the sweep
 * process never loads a backend itself. `auto` is a choice, not a backend: it resolves at run time (see
 * resolveAuto in ./backends.ts) to `native` when the addon loads, else `wasm`, and the run records what it got.
 */
export const BACKEND_NAMES = ['wasm', 'cpu', 'tensorflow', 'webgpu', 'native'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export const AUTO_BACKEND = 'auto';
/** What `--backend` and a sweep's `backend:` accept. */
export const BACKEND_CHOICES = [AUTO_BACKEND, ...BACKEND_NAMES] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];
export const DEFAULT_BACKEND: BackendChoice = AUTO_BACKEND;

/** Backends that drive one accelerator per process: a sweep runs them one at a time. */
export const ACCELERATOR_BACKENDS: readonly BackendName[] = ['tensorflow', 'webgpu'];
