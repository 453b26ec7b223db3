import assert from "node:assert/strict";

import { loadAddon } from "./addon_loader.ts";
import type { NativeBinding } from "./binding.ts";
import { CudaError, isStickyCudaError } from "./cuda_error.ts";
import { NativeCuda } from "./native_cuda.ts";

const addon = loadAddon();
const cuda = new NativeCuda(addon);
/** The no-GPU tests describe this machine only when it has no usable CUDA. */
const gpu = addon.loaded && cuda.status().available;

Deno.test({
  name: "status() reports CUDA unavailable with the real reason and every place searched",
  ignore: gpu,
  fn() {
    const status = cuda.status();
    assert.equal(status.available, false);
    assert.equal(status.addon.state, "loaded");
    assert.equal(status.kind, "library-not-found");
    assert.match(status.reason!, /^CUDA driver library \(libcuda\.so\.1, libcuda\.so\) not found/);
    assert.match(status.reason!, /set VLMEVAL_CUDA_LIB to its full path/);
    assert.ok(
      status.searched.some((line) => line.startsWith("libcuda.so.1 via the dynamic linker")),
    );
    assert.ok(status.searched.some((line) => line.startsWith("/usr/local/cuda/compat")));
    assert.equal(status.nvml.available, false);
    assert.match(
      status.nvml.reason!,
      /^NVML library \(libnvidia-ml\.so\.1, libnvidia-ml\.so\) not found/,
    );
    assert.deepEqual(status.devices, []);
  },
});

Deno.test({
  name:
    "synchronize(), emptyCache(), memoryInfo() and clearError() answer unavailable without CUDA",
  ignore: gpu,
  fn() {
    const reason = cuda.status().reason;
    assert.deepEqual(cuda.synchronize(), { available: false, device: 0, ran: false, reason });
    assert.deepEqual(cuda.emptyCache(2), { available: false, device: 2, ran: false, reason });
    assert.deepEqual(cuda.memoryInfo(1), {
      available: false,
      device: 1,
      reason,
      source: "none",
      contextActive: false,
    });
    assert.deepEqual(cuda.clearError(), { available: false, reason });
  },
});

Deno.test({
  name: "gpuCountWithoutCudaInit() answers a null count with the reason when NVML is absent",
  ignore: gpu || !addon.loaded || cuda.status().nvml.available,
  fn() {
    const result = cuda.gpuCountWithoutCudaInit();
    assert.equal(result.count, null);
    assert.equal(result.source, "nvml");
    assert.equal(result.library, undefined);
    assert.match(
      result.reason!,
      /^NVML library \(libnvidia-ml\.so\.1, libnvidia-ml\.so\) not found/,
    );
    assert.equal(result.reason, cuda.status().nvml.reason);
  },
});

Deno.test("describeCudaError() maps codes to names and stickiness through the addon", () => {
  const cases: [number, string, boolean][] = [
    [0, "CUDA_SUCCESS", false],
    [1, "CUDA_ERROR_INVALID_VALUE", false],
    [2, "CUDA_ERROR_OUT_OF_MEMORY", false],
    [3, "CUDA_ERROR_NOT_INITIALIZED", false],
    [100, "CUDA_ERROR_NO_DEVICE", false],
    [214, "CUDA_ERROR_ECC_UNCORRECTABLE", true],
    [226, "CUDA_ERROR_CONTAINED", true],
    [700, "CUDA_ERROR_ILLEGAL_ADDRESS", true],
    [701, "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES", false],
    [702, "CUDA_ERROR_LAUNCH_TIMEOUT", true],
    [709, "CUDA_ERROR_CONTEXT_IS_DESTROYED", false],
    [710, "CUDA_ERROR_ASSERT", true],
    [714, "CUDA_ERROR_HARDWARE_STACK_ERROR", true],
    [715, "CUDA_ERROR_ILLEGAL_INSTRUCTION", true],
    [716, "CUDA_ERROR_MISALIGNED_ADDRESS", true],
    [717, "CUDA_ERROR_INVALID_ADDRESS_SPACE", true],
    [718, "CUDA_ERROR_INVALID_PC", true],
    [719, "CUDA_ERROR_LAUNCH_FAILED", true],
    [720, "CUDA_ERROR_COOPERATIVE_LAUNCH_TOO_LARGE", false],
    [721, "CUDA_ERROR_TENSOR_MEMORY_LEAK", true],
    [803, "CUDA_ERROR_SYSTEM_DRIVER_MISMATCH", false],
    [810, "CUDA_ERROR_MPS_CLIENT_TERMINATED", true],
    [911, "CUDA_ERROR_EXTERNAL_DEVICE", true],
    [999, "CUDA_ERROR_UNKNOWN", true],
  ];
  for (const [code, name, sticky] of cases) {
    const info = cuda.describeCudaError(code);
    assert.deepEqual([info.code, info.name, info.sticky], [code, name, sticky], `code ${code}`);
    assert.ok(info.message.length > 0, `code ${code} has a message`);
    assert.equal(info.call, "");
  }
});

Deno.test("describeCudaError() names an unknown code and does not call it sticky", () => {
  const info = cuda.describeCudaError(12345);
  assert.equal(info.name, "CUDA_ERROR_UNRECOGNIZED_12345");
  assert.equal(info.sticky, false);
  assert.throws(() => cuda.describeCudaError(1.5), TypeError);
});

Deno.test("knownCudaErrorCodes() lists distinct ascending codes that all have names", () => {
  const codes = cuda.binding().knownCudaErrorCodes();
  assert.ok(codes.length > 100, `${codes.length} codes`);
  assert.deepEqual(codes, [...new Set(codes)].sort((a, b) => a - b));
  for (const code of codes) {
    assert.match(cuda.describeCudaError(code).name, /^CUDA_(SUCCESS|ERROR_[A-Z0-9_]+)$/);
  }
});

Deno.test("synchronize() and friends reject a device that is not a non-negative integer", () => {
  assert.throws(() => cuda.synchronize(-1), {
    name: "RangeError",
    message:
      "Cannot synchronize CUDA device -1 as the device must be a non-negative integer: current value is -1",
  });
  assert.throws(() => cuda.emptyCache(0.5), RangeError);
  assert.throws(() => cuda.memoryInfo(Number.NaN), RangeError);
});

Deno.test("a panic inside the addon arrives as a JS Error and the process goes on", () => {
  assert.throws(() => cuda.binding().faultInjectionPanic(), {
    message:
      "Cannot complete faultInjectionPanic() as the CUDA addon panicked: fault injected by faultInjectionPanic()",
  });
  assert.equal(cuda.describeCudaError(700).sticky, true);
});

Deno.test("a NativeCuda without an addon answers every call with the addon's message", () => {
  const missing = new NativeCuda(loadAddon({ addonPath: "/nonexistent/cuda_addon.node" }));
  const reason = missing.addonStatus().message;
  assert.match(reason, /run `deno task build:native`/);
  const status = missing.status();
  assert.equal(status.available, false);
  assert.equal(status.kind, "addon-unavailable");
  assert.equal(status.reason, reason);
  assert.equal(status.addon.state, "not-built");
  assert.deepEqual(missing.synchronize(), { available: false, device: 0, ran: false, reason });
  assert.deepEqual(missing.emptyCache(), { available: false, device: 0, ran: false, reason });
  assert.equal(missing.memoryInfo().reason, reason);
  assert.deepEqual(missing.clearError(), { available: false, reason });
  assert.deepEqual(missing.gpuCountWithoutCudaInit(), { count: null, source: "nvml", reason });
  assert.throws(() => missing.describeCudaError(700), /CUDA addon is not loaded/);
  assert.throws(() => missing.binding(), { message: reason });
});

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

/** FaultInjection binding: the real addon, except that synchronize reports `code`. */
function faultInjectionBinding(code: number): NativeBinding {
  const real = cuda.binding();
  return {
    ...real,
    synchronize: (device) => ({
      available: true,
      device: device ?? 0,
      ran: true,
      error: { ...real.describeCudaError(code), call: "cuCtxSynchronize" },
    }),
    clearError: () => ({ available: true, cleared: real.describeCudaError(code) }),
  };
}

Deno.test("synchronize() throws a sticky CudaError for a kernel fault from an injected binding", () => {
  const faulty = NativeCuda.fromBinding(faultInjectionBinding(719));
  const error = thrownBy(() => faulty.synchronize(3));
  assert.ok(error instanceof CudaError);
  assert.equal(error.cudaName, "CUDA_ERROR_LAUNCH_FAILED");
  assert.equal(error.code, 719);
  assert.equal(error.sticky, true);
  assert.equal(error.device, 3);
  assert.equal(isStickyCudaError(error), true);
});

Deno.test("clearError() returns a non-sticky error and throws for a sticky one", () => {
  const recoverable = NativeCuda.fromBinding(faultInjectionBinding(2)).clearError();
  assert.equal(recoverable.cleared?.name, "CUDA_ERROR_OUT_OF_MEMORY");
  assert.throws(
    () => NativeCuda.fromBinding(faultInjectionBinding(700)).clearError(),
    (error: unknown) => error instanceof CudaError && error.sticky && error.code === 700,
  );
});
