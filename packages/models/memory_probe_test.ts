import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { type MemoryInfo, memoryInfo } from "@vlmeval/native";
import { selectBackend } from "./backends/select_backend.ts";
import { probeMemory } from "./memory_probe.ts";

const MIB = 1024 * 1024;

Deno.test("probeMemory() counts live tensors and their bytes on cpu, with honest reasons", async () => {
  await selectBackend("cpu", tf);
  const before = probeMemory(tf);
  const t = tf.zeros([1024, 64]);
  const during = probeMemory(tf);
  t.dispose();
  assert.equal(during.tfBackend, "cpu");
  assert.equal(during.tensors, before.tensors + 1);
  assert.equal(during.tensorBytes, before.tensorBytes + 1024 * 64 * 4);
  assert.equal(probeMemory(tf).tensors, before.tensors);
  assert.ok(during.rssBytes > 0 && during.heapUsedBytes > 0);
  assert.equal(during.gpuBytesInUse, undefined);
  assert.equal(during.wasmHeapBytes, undefined);
  assert.equal(during.deviceUsedBytes, undefined);
  assert.ok(during.reasons.some((r) => /cpu backend keeps no GPU memory/.test(r)));
  assert.ok(during.reasons.some((r) => /RSS is the whole process/.test(r)));
  assert.ok(during.reasons.includes("no CUDA device memory: not asked for"));
});

Deno.test("probeMemory() reads the WebAssembly heap, which grows and never shrinks", async () => {
  await selectBackend("wasm", tf);
  const before = probeMemory(tf);
  assert.ok(before.wasmHeapBytes! > 0);
  const big = tf.fill([64 * MIB / 4], 1);
  const during = probeMemory(tf);
  big.dispose();
  const after = probeMemory(tf);
  assert.ok(during.wasmHeapBytes! >= 64 * MIB);
  assert.equal(after.wasmHeapBytes, during.wasmHeapBytes);
  assert.equal(after.tensorBytes, before.tensorBytes);
});

const NO_WEBGPU = await selectBackend("webgpu", tf).then(() => "", (err: Error) => err.message);

Deno.test({
  name: `probeMemory() tells webgpu's buffers in use from those pooled${
    NO_WEBGPU ? ` (skipped: ${NO_WEBGPU})` : ""
  }`,
  ignore: NO_WEBGPU !== "",
  async fn() {
    await selectBackend("webgpu", tf);
    const before = probeMemory(tf);
    const t = tf.fill([4096], 2);
    await t.data();
    const during = probeMemory(tf);
    t.dispose();
    const after = probeMemory(tf);
    assert.equal(during.tfBackend, "webgpu");
    assert.equal(during.gpuBytesInUse, before.gpuBytesInUse! + 4096 * 4);
    assert.equal(after.gpuBytesInUse, before.gpuBytesInUse);
    assert.ok(after.gpuBytesAllocated! >= before.gpuBytesAllocated! + 4096 * 4, "pooled");
    assert.ok(!during.reasons.some((r) => /keeps no GPU memory/.test(r)));
  },
});

Deno.test("probeMemory() reports CUDA device memory when the reader has it, and why not otherwise", async () => {
  await selectBackend("cpu", tf);
  const here = probeMemory(tf, { deviceMemory: () => memoryInfo() });
  const status = memoryInfo();
  if (!status.available) {
    assert.equal(here.deviceUsedBytes, undefined);
    assert.ok(
      here.reasons.includes(`no CUDA device memory: ${status.reason}`),
      here.reasons.join(),
    );
  }

  // What the addon answers on a GPU machine, for a process NVML can and cannot see.
  const onGpuMachine: MemoryInfo = {
    available: true,
    device: 0,
    source: "cuda",
    freeBytes: 70 * 1024 * MIB,
    totalBytes: 80 * 1024 * MIB,
    processUsedBytes: 512 * MIB,
    contextActive: true,
  };
  const read = probeMemory(tf, { deviceMemory: () => onGpuMachine });
  assert.equal(read.deviceUsedBytes, 512 * MIB);
  assert.equal(read.deviceFreeBytes, 70 * 1024 * MIB);
  assert.equal(read.deviceTotalBytes, 80 * 1024 * MIB);
  const hidden = probeMemory(tf, {
    deviceMemory: () => ({
      ...onGpuMachine,
      processUsedBytes: undefined,
      processUsedNote: "NVML cannot see this pid",
    }),
  });
  assert.equal(hidden.deviceFreeBytes, 70 * 1024 * MIB);
  assert.ok(hidden.reasons.includes("no per-process CUDA memory: NVML cannot see this pid"));
  const failing = probeMemory(tf, {
    deviceMemory: () => {
      throw new Error("Cannot read memory of device 0: CUDA_ERROR_ILLEGAL_ADDRESS");
    },
  });
  assert.ok(failing.reasons.includes(
    "no CUDA device memory: Cannot read memory of device 0: CUDA_ERROR_ILLEGAL_ADDRESS",
  ));
});
