/**
 * The package functions end to end in fresh processes: the real addon, loading a FaultInjection
 * CUDA driver and NVML (`testdata/*.c`) through VLMEVAL_CUDA_LIB / VLMEVAL_NVML_LIB, so the
 * paths that need a GPU (an active context, pooled memory, a kernel fault) run on any machine.
 */

import assert from "node:assert/strict";

import { join } from "node:path";

import {
  buildFaultInjectionLibraries,
  faultInjectionEnv,
  type FaultInjectionLibraries,
  type FaultInjectionScenario,
  hasCompiler,
  readCudaInitLog,
  runScenario,
  type StepOutcome,
} from "./fault_injection.ts";

const MIB = 1024 * 1024;

function byStep(outcomes: StepOutcome[]): Record<string, Record<string, unknown>> {
  return Object.fromEntries(outcomes.map((outcome) => [outcome.step, outcome.result ?? {}]));
}

Deno.test({
  name: "the package functions against FaultInjection CUDA drivers",
  ignore: !hasCompiler(),
  async fn(t) {
    const libs: FaultInjectionLibraries = await buildFaultInjectionLibraries();
    const env = (scenario: FaultInjectionScenario, extra: Record<string, string> = {}) =>
      faultInjectionEnv(libs, scenario, extra);
    try {
      await t.step("cudaStatus() reports no device, and every call is a no-op", async () => {
        const steps = ["status", "synchronize", "emptyCache", "memoryInfo", "clearError"];
        const results = byStep(await runScenario(steps, { env: env("no-device") }));
        assert.equal(results.status.available, false);
        assert.equal(results.status.kind, "no-device");
        assert.match(
          String(results.status.reason),
          /cuInit failed with CUDA_ERROR_NO_DEVICE \(100\)/,
        );
        assert.equal(results.status.driverCudaVersion, "12.4");
        for (const step of steps.slice(1)) {
          assert.equal(results[step].available, false, step);
          assert.equal(results[step].reason, results.status.reason, step);
        }
      });

      await t.step("gpuCountWithoutCudaInit() leaves CUDA uninitialised", async () => {
        const log = join(libs.dir, "count_cuinit.log");
        const four = env("inactive", {
          FAULT_INJECTION_GPU_COUNT: "4",
          FAULT_INJECTION_CUDA_LOG: log,
          CUDA_VISIBLE_DEVICES: "1,3",
        });
        const count = { count: 4, source: "nvml", library: libs.libnvml };
        const alone = await runScenario(["gpuCount", "gpuCount"], { env: four });
        assert.deepEqual(alone.map((outcome) => outcome.result), [count, count]);
        assert.deepEqual(await readCudaInitLog(log), []);
        // NVML counts the machine's GPUs; the driver, once cudaStatus() initialises it, the
        // ones CUDA_VISIBLE_DEVICES leaves.
        const [status] = await runScenario(["status"], { env: four });
        assert.equal((status.result?.devices as unknown[]).length, 2);
        const inits = await readCudaInitLog(log);
        assert.deepEqual(inits.map((init) => init.visibleDevices), ["1,3"]);
      });

      await t.step("gpuCountWithoutCudaInit() defaults to the stand-in's one GPU", async () => {
        const [result] = await runScenario(["gpuCount"], { env: env("inactive") });
        assert.equal(result.result?.count, 1);
      });

      await t.step("gpuCountWithoutCudaInit() gives NVML's reason when it fails", async () => {
        const [result] = await runScenario(["gpuCount"], {
          env: env("inactive", { FAULT_INJECTION_NVML: "init-fails" }),
        });
        assert.deepEqual(result.result, {
          count: null,
          source: "nvml",
          reason: `nvmlInit_v2 failed in ${libs.libnvml}: Driver Not Loaded (NVML error 9)`,
        });
      });

      await t.step("gpuCountWithoutCudaInit() says where NVML was looked for", async () => {
        const [result] = await runScenario(["gpuCount"], {
          env: env("inactive", { VLMEVAL_NVML_LIB: `${libs.dir}/absent/libnvidia-ml.so.1` }),
        });
        assert.equal(result.result?.count, null);
        assert.match(
          String(result.result?.reason),
          /^NVML library cannot be opened from VLMEVAL_NVML_LIB=.*absent\/libnvidia-ml\.so\.1/,
        );
      });

      await t.step("cudaStatus() lists the device with versions and memory", async () => {
        const [status] = await runScenario(["status"], { env: env("inactive") });
        const result = status.result!;
        assert.equal(result.available, true);
        assert.equal(result.driverLibrary, libs.libcuda);
        assert.equal(result.driverVersion, "999.99.99-fault-injection");
        assert.deepEqual(result.devices, [{
          index: 0,
          name: "FaultInjection GPU",
          totalMemoryBytes: 16384 * MIB,
          pciBusId: "0000:00:00.0",
          primaryContextActive: false,
          memoryPoolsSupported: true,
        }]);
      });

      await t.step("without an active context nothing runs and no context is created", async () => {
        const steps = ["synchronize", "emptyCache", "memoryInfo", "status"];
        const results = byStep(await runScenario(steps, { env: env("inactive") }));
        const reason = "no active CUDA context on device 0: nothing to synchronize";
        assert.deepEqual(results.synchronize, { available: true, device: 0, ran: false, reason });
        assert.deepEqual(results.emptyCache, { available: true, device: 0, ran: false, reason });
        assert.equal(results.memoryInfo.source, "nvml");
        assert.equal(results.memoryInfo.freeBytes, 12288 * MIB);
        assert.equal(results.memoryInfo.contextActive, false);
        const devices = results.status.devices as { primaryContextActive: boolean }[];
        assert.equal(devices[0].primaryContextActive, false);
      });

      await t.step(
        "memoryInfo() reads the active context and this process's NVML use",
        async () => {
          const [info] = await runScenario(["memoryInfo"], { env: env("pooled") });
          assert.deepEqual(info.result, {
            available: true,
            device: 0,
            source: "cuda",
            contextActive: true,
            freeBytes: (16384 - 1024 - 256) * MIB,
            totalBytes: 16384 * MIB,
            processUsedBytes: 300 * MIB,
            poolReservedBytes: 256 * MIB,
            poolUsedBytes: 0,
          });
        },
      );

      await t.step("memoryInfo() explains a pid NVML cannot see (containers)", async () => {
        const [info] = await runScenario(["memoryInfo"], {
          env: env("active", { FAULT_INJECTION_NVML: "container" }),
        });
        assert.equal(info.result?.processUsedBytes, undefined);
        assert.match(String(info.result?.processUsedNote), /NVML reports host pids/);
      });

      await t.step("emptyCache() returns the pooled memory to the device", async () => {
        const [result] = await runScenario(["emptyCache"], { env: env("pooled") });
        assert.deepEqual(result.result, {
          available: true,
          device: 0,
          ran: true,
          freeBeforeBytes: (16384 - 1024 - 256) * MIB,
          freeAfterBytes: (16384 - 1024) * MIB,
          totalBytes: 16384 * MIB,
          poolReservedBeforeBytes: 256 * MIB,
          poolReservedAfterBytes: 0,
          poolUsedAfterBytes: 0,
          releasedBytes: 256 * MIB,
        });
      });

      await t.step("synchronize() throws a sticky CudaError for an illegal address", async () => {
        const [sync, cache] = await runScenario(["synchronize", "emptyCache"], {
          env: env("sync-error"),
        });
        for (const outcome of [sync, cache]) {
          assert.equal(outcome.error?.name, "CudaError", outcome.step);
          assert.equal(outcome.error?.cudaName, "CUDA_ERROR_ILLEGAL_ADDRESS");
          assert.equal(outcome.error?.code, 700);
          assert.equal(outcome.error?.sticky, true);
          assert.equal(outcome.error?.stickyByGuard, true);
        }
        assert.equal(
          sync.error?.message,
          "Cannot synchronize CUDA device 0 as cuCtxSynchronize failed with CUDA_ERROR_ILLEGAL_ADDRESS (700): an illegal memory access was encountered (fault injected); the error is sticky: CUDA is unusable until the process restarts",
        );
      });

      await t.step("synchronize() throws a recoverable CudaError for out of memory", async () => {
        const [sync] = await runScenario(["synchronize"], {
          env: env("sync-error", { FAULT_INJECTION_CUDA_CODE: "2" }),
        });
        assert.equal(sync.error?.cudaName, "CUDA_ERROR_OUT_OF_MEMORY");
        assert.equal(sync.error?.sticky, false);
        assert.equal(sync.error?.stickyByGuard, false);
      });

      await t.step(
        "the GPU check's sequence: fill the pool, empty it, release the context",
        async () => {
          const steps = [
            "debugAllocPooled",
            "synchronize",
            "emptyCache",
            "debugReleaseContext",
            "status",
          ];
          const results = byStep(await runScenario(steps, { env: env("inactive") }));
          assert.equal(results.debugAllocPooled.poolReservedBytes, 64 * MIB);
          assert.equal(results.synchronize.ran, true);
          assert.equal(results.emptyCache.releasedBytes, 64 * MIB);
          assert.equal(results.emptyCache.poolReservedAfterBytes, 0);
          const devices = results.status.devices as { primaryContextActive: boolean }[];
          assert.equal(devices[0].primaryContextActive, false);
        },
      );

      await t.step("clearError() consumes a pending runtime error once", async () => {
        const results = await runScenario(["status", "clearError", "clearError"], {
          env: env("active", { FAULT_INJECTION_CUDART_ERROR: "2" }),
        });
        assert.equal(results[0].result?.runtimeVersion, "12.2");
        assert.equal(results[0].result?.runtimeLibrary, libs.libcudart);
        assert.deepEqual(results[1].result, {
          available: true,
          cleared: {
            code: 2,
            name: "cudaErrorMemoryAllocation",
            message: "out of memory (fault injected)",
            sticky: false,
            call: "cudaGetLastError",
          },
          runtimeLibrary: libs.libcudart,
        });
        assert.deepEqual(results[2].result, { available: true, runtimeLibrary: libs.libcudart });
      });

      await t.step("clearError() throws a sticky runtime error, which stays pending", async () => {
        const results = await runScenario(["status", "clearError", "clearError"], {
          env: env("active", { FAULT_INJECTION_CUDART_ERROR: "700" }),
        });
        for (const outcome of results.slice(1)) {
          assert.equal(outcome.error?.cudaName, "cudaErrorIllegalAddress");
          assert.equal(outcome.error?.sticky, true);
        }
      });

      await t.step("clearError() has nothing to clear when no runtime is loaded", async () => {
        const [cleared] = await runScenario(["clearError"], { env: env("active") });
        assert.deepEqual(cleared.result, {
          available: true,
          note: "no CUDA runtime is loaded in this process, so no runtime error is pending",
        });
      });

      await t.step("VLMEVAL_CUDA_LIB naming a library that is not libcuda says so", async () => {
        const [status] = await runScenario(["status"], {
          env: { VLMEVAL_CUDA_LIB: libs.libnvml, VLMEVAL_NVML_LIB: libs.libnvml },
        });
        assert.equal(status.result?.kind, "library-invalid");
        assert.equal(
          status.result?.reason,
          `${libs.libnvml} is not a CUDA driver library: it has no cuInit`,
        );
      });

      await t.step("VLMEVAL_CUDA_LIB naming a missing file gives the loader's error", async () => {
        const [status] = await runScenario(["status"], {
          env: { VLMEVAL_CUDA_LIB: `${libs.dir}/absent/libcuda.so.1` },
        });
        assert.equal(status.result?.kind, "library-not-found");
        assert.match(
          String(status.result?.reason),
          /^CUDA driver library cannot be opened from VLMEVAL_CUDA_LIB=.*absent\/libcuda\.so\.1: .*cannot open shared object file/,
        );
      });
    } finally {
      await Deno.remove(libs.dir, { recursive: true });
    }
  },
});
