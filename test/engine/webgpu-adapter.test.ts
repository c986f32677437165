/**
 * The adapter order of the webgpu backend (src/engine/webgpu.ts) on stand-in machines: a fake dawn.node `create`
 * answers per `backend=` flag, so every branch runs here whether or not this machine has a GPU.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adapterMode, chooseAdapter, describeAdapter, MESA_APT_PACKAGES, nativeGpuApi, type CreateGpu, type GpuAdapterLike } from '../../src/engine/webgpu.js';
import { UserError } from '../../src/errors.js';

const adapter = (description: string, extra: Partial<GpuAdapterLike['info']> = {}): GpuAdapterLike => ({
  info: { vendor: 'v', architecture: '', device: '', description, ...extra },
  limits: {},
  features: { has: () => false },
  requestDevice: () => Promise.reject(new Error('not in this test')),
});

/** A machine: what each Dawn backend answers (an adapter, null, or an error thrown by create). */
function machine(answers: Record<string, GpuAdapterLike | null | Error>): { create: CreateGpu; calls: string[] } {
  const calls: string[] = [];
  const create: CreateGpu = (flags) => {
    const api = flags.find((f) => f.startsWith('backend='))!.slice('backend='.length);
    const answer = answers[api] ?? null;
    if (answer instanceof Error) throw answer;
    return {
      requestAdapter: async (options) => {
        calls.push(`${api}:${options?.featureLevel ?? options?.powerPreference ?? ''}`);
        return answer;
      },
    };
  };
  return { create, calls };
}

const gpu = adapter('NVIDIA H100 80GB HBM3', { vendor: 'nvidia' });
const llvmpipe = adapter('llvmpipe (LLVM 15.0.6, 256 bits)', { vendor: 'mesa' });

test('auto takes the real GPU first and never asks for the software renderer', async () => {
  const m = machine({ vulkan: gpu, opengles: llvmpipe });
  const got = await chooseAdapter(m.create, 'auto', 'linux', {});
  assert.deepEqual([got.name, got.api, got.software, got.notice], ['NVIDIA H100 80GB HBM3', 'vulkan', false, null]);
  assert.deepEqual(m.calls, ['vulkan:high-performance']);
});

test('auto with no GPU falls back to Mesa GL as a compatibility adapter, with a one-line notice', async () => {
  const m = machine({ vulkan: new Error('Failed to load libvulkan.so.1\nmore'), opengles: llvmpipe });
  const env: NodeJS.ProcessEnv = {};
  const got = await chooseAdapter(m.create, 'auto', 'linux', env);
  assert.deepEqual([got.name, got.api, got.software], ['llvmpipe (LLVM 15.0.6, 256 bits)', 'opengles', true]);
  assert.deepEqual(m.calls, ['opengles:compatibility']);
  assert.equal(env['EGL_PLATFORM'], 'surfaceless', 'headless EGL unless the user chose a platform');
  assert.ok(got.notice && !got.notice.includes('\n'), 'one line');
  assert.match(got.notice!, /no GPU \(Dawn vulkan: Failed to load libvulkan\.so\.1\).*software device, llvmpipe/);
});

test('software mode goes straight to GL and keeps a user-set EGL platform; hardware mode refuses a CPU renderer', async () => {
  const m = machine({ vulkan: gpu, opengles: llvmpipe });
  const env: NodeJS.ProcessEnv = { EGL_PLATFORM: 'x11' };
  const soft = await chooseAdapter(m.create, 'software', 'linux', env);
  assert.deepEqual([soft.api, soft.software, soft.notice, env['EGL_PLATFORM']], ['opengles', true, null, 'x11']);
  assert.deepEqual(m.calls, ['opengles:compatibility']);
  const lavapipe = machine({ vulkan: adapter('llvmpipe (LLVM 15.0.6, 256 bits)'), opengles: llvmpipe });
  await assert.rejects(chooseAdapter(lavapipe.create, 'hardware', 'linux', {}), (e: Error) => e instanceof UserError && /only a software adapter \(llvmpipe/.test(e.message));
  assert.deepEqual(lavapipe.calls, ['vulkan:high-performance'], 'hardware mode never tries GL');
});

test('no adapter at all: a UserError naming every try and the apt packages', async () => {
  const m = machine({ vulkan: null, opengles: new Error('EGL_NOT_INITIALIZED') });
  await assert.rejects(chooseAdapter(m.create, 'auto', 'linux', {}), (e: Error) => {
    assert.ok(e instanceof UserError);
    assert.match(e.message, /Dawn vulkan: no adapter/);
    assert.match(e.message, /Dawn opengles \(compatibility, EGL_PLATFORM=surfaceless\): EGL_NOT_INITIALIZED/);
    assert.ok(e.message.includes(`apt install ${MESA_APT_PACKAGES}`), e.message);
    return true;
  });
  await assert.rejects(chooseAdapter(machine({}).create, 'hardware', 'darwin', {}), /Dawn metal: no adapter.*Metal \(macOS\)/);
});

test('the platform decides the real API; software renderers are recognised by name or by the fallback flag', () => {
  assert.deepEqual([nativeGpuApi('linux'), nativeGpuApi('darwin'), nativeGpuApi('win32')], ['vulkan', 'metal', 'd3d12']);
  assert.equal(describeAdapter(adapter('SwiftShader Device (Subzero)'), 'vulkan').software, true);
  assert.equal(describeAdapter(adapter('Microsoft Basic Render Driver'), 'd3d12').software, true);
  assert.equal(describeAdapter(adapter('AMD Radeon', { isFallbackAdapter: true }), 'vulkan').software, true);
  assert.equal(describeAdapter(adapter('Apple M2'), 'metal').software, false);
  assert.equal(describeAdapter(adapter('', { vendor: 'intel', architecture: 'gen-12lp' }), 'vulkan').name, 'intel gen-12lp');
  // What Dawn's GL backend reports for Mesa's llvmpipe: the device name (dashed) and the driver's string.
  const mesa = describeAdapter(adapter('OpenGL version OpenGL ES 3.2 Mesa 22.3.6', { vendor: '', device: 'llvmpipe-llvm-15-0-6-256-bits-' }), 'opengles');
  assert.deepEqual([mesa.name, mesa.software], ['llvmpipe-llvm-15-0-6-256-bits (OpenGL version OpenGL ES 3.2 Mesa 22.3.6)', true]);
});

test('MBENCH_WEBGPU_ADAPTER: unset is auto; a wrong value names the variable and its choices', () => {
  assert.equal(adapterMode({}), 'auto');
  assert.equal(adapterMode({ MBENCH_WEBGPU_ADAPTER: 'Software' }), 'software');
  assert.throws(() => adapterMode({ MBENCH_WEBGPU_ADAPTER: 'gpu' }), (e: Error) => e instanceof UserError && /MBENCH_WEBGPU_ADAPTER='gpu' is not one of auto, software, hardware/.test(e.message));
});
