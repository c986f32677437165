/**
 * Whether the webgpu tests run here. They need the optional packages and an adapter: a GPU, or Mesa's software
 * renderer (CI: MBENCH_WEBGPU_ADAPTER=software EGL_PLATFORM=surfaceless). Without one they skip, naming why;
 * with MBENCH_WEBGPU_REQUIRED=1 (CI) a missing webgpu is a failing test instead of a skip.
 *
 *   const gate = await webgpuGate();
 *   test('…', { skip: gate.skip }, async () => { … });
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { probeBackend } from '../../src/engine/backends.js';

export interface WebGpuGate {
  /** false when webgpu is usable; else the reason, as node:test's `skip` option. */
  skip: string | false;
}

let probed: Promise<WebGpuGate> | null = null;

export function webgpuGate(): Promise<WebGpuGate> {
  probed ??= (async () => {
    const status = await probeBackend('webgpu');
    if (status.available) return { skip: false as const };
    const reason = `webgpu unavailable: ${status.detail}`;
    if (process.env['MBENCH_WEBGPU_REQUIRED'] === '1') {
      test('webgpu is available (MBENCH_WEBGPU_REQUIRED=1)', () => assert.fail(reason));
    }
    return { skip: reason };
  })();
  return probed;
}

/** A tensor's values as a plain copy, read asynchronously (the only read webgpu has under Node). */
export async function values(t: { data(): Promise<ArrayLike<number>> }): Promise<Float32Array> {
  return Float32Array.from(await t.data());
}

/** max |a − b| / (1 + |b|) over the elements: relative for large values, absolute near zero. */
export function maxRelativeDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, `lengths ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / (1 + Math.abs(b[i]!)));
  return worst;
}
