/** Messages a `mbench run` child sends its local executor over the IPC channel. */
import type { RunProgressEvent } from './runners/types.js';

export type ChildMessage = { type: 'progress'; event: RunProgressEvent } | { type: 'log'; line: string };
