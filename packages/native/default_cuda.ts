/**
 * The package's CUDA functions, backed by the addon found by `loadAddon()`; it is loaded on the
 * first call, never at import.
 *
 * @module
 */

import { type AddonStatus, loadAddon } from "./addon_loader.ts";
import type {
  ClearErrorResult,
  CudaErrorInfo,
  EmptyCacheResult,
  GpuCount,
  MemoryInfo,
  SyncResult,
} from "./binding.ts";
import { type CudaStatusReport, NativeCuda } from "./native_cuda.ts";

let shared: NativeCuda | undefined;

/** The process-wide facade, loading the addon on first use. */
export function defaultCuda(): NativeCuda {
  shared ??= new NativeCuda(loadAddon());
  return shared;
}

/**
 * How loading the addon went: `loaded`, `not-built`, `stale`, `permission-denied` or
 * `load-failed`, with a message naming the fix (e.g. run `deno task build:native`, or
 * `--allow-ffi`) and the real cause.
 *
 * @example
 * ```ts ignore
 * import { addonStatus } from "@vlmeval/native";
 * const addon = addonStatus();
 * if (!addon.loaded) console.error(addon.message);
 * ```
 */
export function addonStatus(): AddonStatus {
  return defaultCuda().addonStatus();
}

/**
 * Whether CUDA is usable and, when not, the real reason (library not found and where it looked,
 * no device, driver too old...), with driver and runtime versions and each device's index,
 * name and total memory. Never throws and never creates a CUDA context.
 *
 * @example Print why CUDA is unavailable
 * ```ts ignore
 * import { cudaStatus } from "@vlmeval/native";
 * const status = cudaStatus();
 * console.log(status.available ? status.devices : status.reason);
 * ```
 */
export function cudaStatus(): CudaStatusReport {
  return defaultCuda().status();
}

/**
 * How many GPUs this machine has, counted by NVML without initialising CUDA: CUDA reads
 * `CUDA_VISIBLE_DEVICES` once, in `cuInit`, so a launcher rank that narrows it must count the
 * GPUs this way and call {@linkcode cudaStatus} only afterwards. The count ignores
 * `CUDA_VISIBLE_DEVICES`; it is null, with `reason`, when NVML (or the addon) is unavailable.
 * Never throws.
 *
 * @example Split the GPUs before CUDA sees them
 * ```ts ignore
 * import { gpuCountWithoutCudaInit } from "@vlmeval/native";
 * const { count, reason } = gpuCountWithoutCudaInit();
 * if (count === null) console.error(`cannot count GPUs: ${reason}`);
 * ```
 */
export function gpuCountWithoutCudaInit(): GpuCount {
  return defaultCuda().gpuCountWithoutCudaInit();
}

/**
 * Waits for all work on `device` (default 0) through its primary context when that context is
 * already active (`ran: false` otherwise). Throws `CudaError` (with `cudaName`, `code`,
 * `sticky`) when CUDA reports an error, e.g. a kernel fault from earlier asynchronous work.
 */
export function synchronize(device?: number): SyncResult {
  return defaultCuda().synchronize(device);
}

/**
 * Synchronizes `device` (default 0), then returns the memory this process holds cached in
 * CUDA's stream-ordered allocator to the device, reporting free memory before and after.
 */
export function emptyCache(device?: number): EmptyCacheResult {
  return defaultCuda().emptyCache(device);
}

/** Free and total memory of `device` (default 0), and this process's use from NVML. */
export function memoryInfo(device?: number): MemoryInfo {
  return defaultCuda().memoryInfo(device);
}

/**
 * Consumes a pending non-sticky CUDA runtime error and returns it; throws `CudaError` when the
 * pending error is sticky.
 */
export function clearError(): ClearErrorResult {
  return defaultCuda().clearError();
}

/** The name, message and stickiness of a CUDA driver error code, without a GPU. */
export function describeCudaError(code: number): CudaErrorInfo {
  return defaultCuda().describeCudaError(code);
}
