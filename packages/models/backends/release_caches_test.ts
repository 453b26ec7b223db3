import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { convDenseForward } from "./_conv_dense_fixture.ts";
import { releaseBackendCaches } from "./release_caches.ts";
import { selectBackend } from "./select_backend.ts";
import { probeWebGpuAdapter } from "./webgpu_backend.ts";

const adapter = await probeWebGpuAdapter();
const NO_WEBGPU = !navigator.gpu
  ? "navigator.gpu is undefined in this Deno"
  : !adapter
  ? "no WebGPU adapter (install a Vulkan driver, e.g. apt-get install -y mesa-vulkan-drivers)"
  : "";

interface WebGPUMemory {
  numBytesInGPU: number;
  numBytesAllocatedInGPU: number;
}

function freeBufferCount(): number {
  return (tf.backend() as unknown as { bufferManager: { getNumFreeBuffers(): number } })
    .bufferManager.getNumFreeBuffers();
}

Deno.test({
  name: `releaseBackendCaches() destroys webgpu's pooled buffers and the pool keeps working${
    NO_WEBGPU ? ` (skipped: ${NO_WEBGPU})` : ""
  }`,
  ignore: NO_WEBGPU !== "",
  async fn() {
    await selectBackend("webgpu", tf);
    const live = tf.tidy(() => tf.add(tf.ones([64, 64]), 1));
    await live.data();
    const first = await convDenseForward(tf);
    const before = tf.memory() as unknown as WebGPUMemory;
    const pooled = freeBufferCount();
    assert.ok(pooled > 0, "no buffers were pooled after the forward pass");
    assert.ok(before.numBytesAllocatedInGPU > before.numBytesInGPU);

    const release = await releaseBackendCaches(tf);
    const after = tf.memory() as unknown as WebGPUMemory;
    assert.equal(release.tfBackend, "webgpu");
    assert.equal(release.released, true);
    assert.equal(release.freedBuffers, pooled);
    assert.equal(freeBufferCount(), 0);
    assert.equal(after.numBytesAllocatedInGPU, before.numBytesAllocatedInGPU - release.freedBytes);
    assert.equal(after.numBytesAllocatedInGPU, after.numBytesInGPU);
    assert.equal(after.numBytesInGPU, 64 * 64 * 4, "only the live tensor should hold GPU memory");

    assert.deepEqual(await convDenseForward(tf), first);
    assert.ok(freeBufferCount() > 0, "the pool did not refill after a release");
    live.dispose();
    assert.equal((tf.memory() as unknown as WebGPUMemory).numBytesInGPU, 0);
    const again = await releaseBackendCaches(tf);
    assert.ok(again.freedBuffers > 0);
  },
});

Deno.test("releaseBackendCaches() says plainly that cpu and wasm have nothing to release", async () => {
  await selectBackend("cpu", tf);
  const cpu = await releaseBackendCaches(tf);
  assert.equal(cpu.tfBackend, "cpu");
  assert.equal(cpu.released, false);
  assert.match(cpu.detail, /^nothing to release: the cpu backend/);

  await selectBackend("wasm", tf);
  const wasm = await releaseBackendCaches(tf);
  assert.equal(wasm.tfBackend, "wasm");
  assert.equal(wasm.released, false);
  assert.match(wasm.detail, /WebAssembly memory can grow but never shrink/);
});
