/**
 * Hardware check of the CUDA addon, for a machine with a GPU (run it through
 * `scripts/gpu_check.sh run`): cudaStatus, memoryInfo, synchronize and emptyCache on a real
 * device, showing that emptyCache returns pooled memory to the device.
 *
 * Deno itself holds no CUDA memory, so the check makes some on purpose with the addon's
 * diagnostic `debugAllocPooled`: it activates the device's primary context and leaves `--bytes`
 * cached in the stream-ordered pool, as a framework's allocator would.
 *
 * Usage: deno run --allow-ffi --allow-read --allow-env [--allow-write] scripts/gpu_check.ts
 *          [--device N] [--bytes N] [--json PATH]
 *   --device N   CUDA device index (default 0)
 *   --bytes N    bytes to leave cached in the pool (default 256 MiB)
 *   --json PATH  also write the full report as JSON to PATH
 * Exit: 0 pass; 1 emptyCache did not return the memory (or a CUDA error); 2 a bad option (the
 *       message ends with "see --help"); 6 a missing prerequisite: CUDA unavailable or the addon
 *       did not load (the message says which), as `vlmeval` itself exits.
 */

import {
  addonStatus,
  clearError,
  CudaError,
  cudaStatus,
  emptyCache,
  type EmptyCacheResult,
  memoryInfo,
  synchronize,
} from "@vlmeval/native";
import { debugAllocPooled, debugReleaseContext } from "@vlmeval/native/diagnostics";
import { parseScriptArgs, usageError } from "./_script_help.ts";

const MIB = 1024 * 1024;

const { values } = parseScriptArgs(import.meta, {
  device: { type: "string", default: "0" },
  bytes: { type: "string", default: String(256 * MIB) },
  json: { type: "string" },
});
const device = Number(values.device);
const bytes = Number(values.bytes);
if (values.device.trim() === "" || !Number.isInteger(device) || device < 0) {
  usageError(import.meta, `--device must be a device index: current value is ${values.device}`);
}
if (values.bytes.trim() === "" || !Number.isInteger(bytes) || bytes < 1) {
  usageError(import.meta, `--bytes must be a positive integer: current value is ${values.bytes}`);
}
const report: Record<string, unknown> = { device, bytes };

function mib(value: number | undefined): string {
  return value === undefined ? "n/a" : `${(value / MIB).toFixed(1)} MiB`;
}

function say(line: string): void {
  console.log(`gpu_check: ${line}`);
}

function finish(code: number, verdict: string): never {
  report.verdict = verdict;
  say(verdict);
  if (values.json) Deno.writeTextFileSync(values.json, JSON.stringify(report, null, 2) + "\n");
  Deno.exit(code);
}

const addon = addonStatus();
report.addon = addon;
if (!addon.loaded) finish(6, `FAIL: the addon did not load: ${addon.message}`);
say(`addon ${addon.version} loaded from ${addon.path}`);

const status = cudaStatus();
report.status = status;
if (!status.available) finish(6, `CUDA unavailable (${status.kind}): ${status.reason}`);
say(
  `driver ${status.driverVersion ?? "?"} (CUDA ${status.driverCudaVersion}), runtime ${
    status.runtimeVersion ?? "none"
  }, NVML ${status.nvml.available ? "present" : `absent: ${status.nvml.reason}`}`,
);
for (const gpu of status.devices) {
  say(
    `device ${gpu.index}: ${gpu.name}, ${
      mib(gpu.totalMemoryBytes)
    }, pools ${gpu.memoryPoolsSupported}`,
  );
}

try {
  report.memoryBefore = memoryInfo(device);
  const idleSync = synchronize(device);
  report.synchronizeWithoutContext = idleSync;
  say(`synchronize before any CUDA use: ran=${idleSync.ran} (${idleSync.reason ?? "ran"})`);

  const filled = debugAllocPooled(bytes, device);
  report.debugAllocPooled = filled;
  if (filled.error || filled.reason) {
    finish(1, `FAIL: could not fill the pool: ${filled.error?.name ?? filled.reason}`);
  }
  say(`after allocating and freeing ${mib(bytes)}: pool holds ${mib(filled.poolReservedBytes)}`);
  const filledMemory = memoryInfo(device);
  report.memoryFilled = filledMemory;
  say(
    `memoryInfo: free ${mib(filledMemory.freeBytes)} of ${
      mib(filledMemory.totalBytes)
    } (${filledMemory.source}), this process ${mib(filledMemory.processUsedBytes)}${
      filledMemory.processUsedNote ? ` (${filledMemory.processUsedNote})` : ""
    }`,
  );

  const sync = synchronize(device);
  report.synchronize = sync;
  say(`synchronize with the context active: ran=${sync.ran}`);

  const emptied: EmptyCacheResult = emptyCache(device);
  report.emptyCache = emptied;
  say(
    `emptyCache: pool ${mib(emptied.poolReservedBeforeBytes)} -> ${
      mib(emptied.poolReservedAfterBytes)
    }, free ${mib(emptied.freeBeforeBytes)} -> ${mib(emptied.freeAfterBytes)}, released ${
      mib(emptied.releasedBytes)
    }`,
  );
  report.memoryAfter = memoryInfo(device);
  report.clearError = clearError();
  debugReleaseContext(device);

  const released = emptied.releasedBytes ?? 0;
  const poolBefore = emptied.poolReservedBeforeBytes ?? 0;
  const poolAfter = emptied.poolReservedAfterBytes ?? poolBefore;
  if (!emptied.ran || poolBefore < bytes || poolAfter >= poolBefore || released < bytes / 2) {
    finish(1, `FAIL: emptyCache did not return the ${mib(bytes)} cached in the pool`);
  }
  finish(0, `PASS: emptyCache returned ${mib(released)} of pooled memory to device ${device}`);
} catch (error) {
  if (!(error instanceof CudaError)) throw error;
  report.error = { ...error, message: error.message };
  finish(1, `FAIL: ${error.message}`);
}
