/**
 * The shape of the compiled addon (`crates/cuda_addon`), written by hand to match the generated
 * `crates/cuda_addon/index.d.ts`. Byte counts are numbers (exact below 2^53 bytes).
 *
 * @module
 */

/** One CUDA error; the numeric code is kept so callers can branch on it. */
export interface CudaErrorInfo {
  /** The numeric `CUresult` (driver) or `cudaError_t` (runtime) code. */
  code: number;
  /** The enum name, e.g. `CUDA_ERROR_ILLEGAL_ADDRESS`. */
  name: string;
  /** What the code means, from the driver when loaded. */
  message: string;
  /** True when the process must exit and restart before CUDA works again. */
  sticky: boolean;
  /** The CUDA call that returned the error, e.g. `cuCtxSynchronize`; empty for a lookup. */
  call: string;
}

/** One CUDA device as the driver sees it (listing it creates no context). */
export interface DeviceInfo {
  /** CUDA ordinal (after `CUDA_VISIBLE_DEVICES`). */
  index: number;
  /** The name the driver reports (`cuDeviceGetName`), e.g. `NVIDIA H200`. */
  name: string;
  /** Total device memory in bytes. */
  totalMemoryBytes: number;
  /** PCI bus id, e.g. `0000:3B:00.0`. */
  pciBusId: string;
  /** Whether this process already holds the device's primary context. */
  primaryContextActive: boolean;
  /** Whether the device supports the stream-ordered allocator (memory pools). */
  memoryPoolsSupported: boolean;
}

/** NVML's part of the status. */
export interface NvmlStatus {
  /** True when NVML was found and initialised (`nvmlInit_v2`). */
  available: boolean;
  /** When unavailable: why (not found, too old, `nvmlInit_v2` failed, or the addon not loaded). */
  reason?: string;
  /** The NVML library that was opened; absent when unavailable. */
  library?: string;
  /** Every place the loader looked when NVML was not found. */
  searched: string[];
}

/** Whether CUDA is usable, and what is there. */
export interface CudaStatus {
  /** True when the driver loaded, `cuInit` succeeded and it sees at least one device. */
  available: boolean;
  /**
   * When unavailable: `library-not-found`, `library-invalid`, `driver-too-old`, `stub-library`,
   * `no-device`, `init-failed`; the facade adds `addon-unavailable`.
   */
  kind?: string;
  /** When unavailable: the real reason. */
  reason?: string;
  /** Every place the loader looked for the driver library. */
  searched: string[];
  /** The driver library that was opened, also when it was then rejected; absent when not found. */
  driverLibrary?: string;
  /** The CUDA version the driver supports, e.g. `12.4`. */
  driverCudaVersion?: string;
  /** The NVIDIA driver version from NVML, e.g. `550.54.14`. */
  driverVersion?: string;
  /** The CUDA runtime version of the libcudart found, e.g. `12.2`. */
  runtimeVersion?: string;
  /** The libcudart found (a copy already loaded in the process first); absent when unavailable. */
  runtimeLibrary?: string;
  /** Why `runtimeVersion` is absent though CUDA is available: no libcudart, or one that failed. */
  runtimeNote?: string;
  /** Whether NVML (GPU count, driver version, memory without a context) is usable. */
  nvml: NvmlStatus;
  /** The devices CUDA sees (after `CUDA_VISIBLE_DEVICES`); empty when unavailable. */
  devices: DeviceInfo[];
}

/** What `synchronize` did. */
export interface SyncResult {
  /** False when CUDA cannot be used here; `reason` says why. */
  available: boolean;
  /** The CUDA ordinal asked for. */
  device: number;
  /** True when the device's context was active and the synchronize ran. */
  ran: boolean;
  /** Why it did not run: CUDA unavailable, or no active context on the device. */
  reason?: string;
  /** The CUDA error returned, e.g. a kernel fault; the facade throws it as `CudaError`. */
  error?: CudaErrorInfo;
}

/**
 * What `emptyCache` did. Free bytes are device-wide; reserved bytes are the pools'. Byte counts
 * are absent when it did not run or an error stopped it first.
 */
export interface EmptyCacheResult {
  /** False when CUDA cannot be used here; `reason` says why. */
  available: boolean;
  /** The CUDA ordinal asked for. */
  device: number;
  /** True when the device's context was active and the synchronize and trim were attempted. */
  ran: boolean;
  /** Why it did not run: CUDA unavailable, or no active context on the device. */
  reason?: string;
  /** The CUDA error that stopped it; the facade throws it as `CudaError`. */
  error?: CudaErrorInfo;
  /** Device-wide free bytes before the synchronize. */
  freeBeforeBytes?: number;
  /** Device-wide free bytes after the trim. */
  freeAfterBytes?: number;
  /** Total device memory in bytes. */
  totalBytes?: number;
  /** Bytes the pools held from the device before the trim; absent without pools (`poolNote`). */
  poolReservedBeforeBytes?: number;
  /** Bytes the pools still hold from the device after the trim. */
  poolReservedAfterBytes?: number;
  /** Bytes of the pools still allocated (not releasable) after the trim. */
  poolUsedAfterBytes?: number;
  /** Free-memory gain in bytes, never negative. */
  releasedBytes?: number;
  /** Why the pool part was skipped, e.g. a driver without memory pools. */
  poolNote?: string;
}

/** Device memory, in bytes. */
export interface MemoryInfo {
  /** False when CUDA cannot be used here; `reason` says why. */
  available: boolean;
  /** The CUDA ordinal asked for. */
  device: number;
  /** Why CUDA is unavailable (or the addon not loaded). */
  reason?: string;
  /** The CUDA error from finding the device, entering its context or reading its memory. */
  error?: CudaErrorInfo;
  /** Where free/total came from: `cuda` (the active context), `nvml`, or `none`. */
  source: string;
  /** Device-wide free bytes; absent when `source` is `none`. */
  freeBytes?: number;
  /** Total device memory in bytes; absent when `source` is `none`. */
  totalBytes?: number;
  /** This process's device memory according to NVML. */
  processUsedBytes?: number;
  /** Why `processUsedBytes` is absent. */
  processUsedNote?: string;
  /** Bytes the stream-ordered pools hold from the device; only with an active context and pools. */
  poolReservedBytes?: number;
  /** Bytes of the pools currently allocated; present with `poolReservedBytes`. */
  poolUsedBytes?: number;
  /** Whether this process holds the device's primary context. */
  contextActive: boolean;
}

/** What `clearError` did. */
export interface ClearErrorResult {
  /** False when CUDA cannot be used here; `reason` says why. */
  available: boolean;
  /** Why nothing could be checked (CUDA unavailable). */
  reason?: string;
  /** The pending runtime error that was read (and reset when not sticky). */
  cleared?: CudaErrorInfo;
  /** The libcudart whose error state was read; absent when none is loaded in this process. */
  runtimeLibrary?: string;
  /** Why no error could be read though CUDA is available, e.g. no libcudart loaded yet. */
  note?: string;
}

/**
 * What `gpuCountWithoutCudaInit` found: the machine's GPUs counted by NVML, which does not
 * initialise CUDA and ignores `CUDA_VISIBLE_DEVICES`.
 */
export interface GpuCount {
  /** Every GPU of the machine; null when NVML cannot tell (`reason` says why). */
  count: number | null;
  /** Where the count came from: always NVML. */
  source: "nvml";
  /** Why `count` is null: NVML not found, failed to initialise, or too old. */
  reason?: string;
  /** The NVML library that was opened. */
  library?: string;
}

/** Identifies an addon build. */
export interface AddonInfo {
  /** Bumped whenever a function or result shape changes; see {@linkcode EXPECTED_API_VERSION}. */
  apiVersion: number;
  /** The crate version (`crates/cuda_addon/Cargo.toml`). */
  version: string;
}

/** What `debugAllocPooled` left behind. */
export interface DebugPoolResult {
  /** False when CUDA cannot be used here; `reason` says why. */
  available: boolean;
  /** The CUDA ordinal used. */
  device: number;
  /** Why nothing was allocated: CUDA unavailable, or a driver without memory pools. */
  reason?: string;
  /** The CUDA error that stopped the allocate-and-free. */
  error?: CudaErrorInfo;
  /** Bytes the stream-ordered pools hold from the device after the allocate-and-free. */
  poolReservedBytes?: number;
  /** Bytes of the pools still allocated after it. */
  poolUsedBytes?: number;
  /** Device-wide free bytes after it. */
  freeBytes?: number;
  /** Total device memory in bytes. */
  totalBytes?: number;
}

/** The functions the compiled addon exports. */
export interface NativeBinding {
  /** The build's API version and crate version. */
  addonInfo(): AddonInfo;
  /** Does nothing: measures the cost of one call into the addon. */
  noop(): void;
  /** Whether CUDA is usable, with the reason when not; runs `cuInit`, never creates a context. */
  cudaStatus(): CudaStatus;
  /** The machine's GPU count from NVML, without loading or initialising the CUDA driver. */
  gpuCountWithoutCudaInit(): GpuCount;
  /** Waits for all work on `device` (default 0) if its primary context is already active. */
  synchronize(device?: number | null): SyncResult;
  /** Synchronizes `device` (default 0), then trims its pools, if its primary context is active. */
  emptyCache(device?: number | null): EmptyCacheResult;
  /** Free and total bytes of `device` (default 0), from its active context or NVML. */
  memoryInfo(device?: number | null): MemoryInfo;
  /** Reads this thread's pending CUDA runtime error, resetting it unless it is sticky. */
  clearError(): ClearErrorResult;
  /** A CUDA driver error code's name, message and stickiness, without touching CUDA. */
  describeCudaError(code: number): CudaErrorInfo;
  /** Every code the addon's error table knows, in ascending order. */
  knownCudaErrorCodes(): number[];
  /** Diagnostic only: activates and keeps `device`'s context, leaving `bytes` in its pool. */
  debugAllocPooled(bytes: number, device?: number | null): DebugPoolResult;
  /** Diagnostic only: releases the context `debugAllocPooled` kept; the CUDA error, or null. */
  debugReleaseContext(device?: number | null): CudaErrorInfo | null;
  /** Tests only: panics inside the addon, which must arrive as a JS `Error`. */
  faultInjectionPanic(): void;
}

/** The names of every function in {@linkcode NativeBinding}, to check a loaded build. */
export const BINDING_FUNCTIONS: readonly (keyof NativeBinding)[] = [
  "addonInfo",
  "noop",
  "cudaStatus",
  "gpuCountWithoutCudaInit",
  "synchronize",
  "emptyCache",
  "memoryInfo",
  "clearError",
  "describeCudaError",
  "knownCudaErrorCodes",
  "debugAllocPooled",
  "debugReleaseContext",
  "faultInjectionPanic",
];

/** The API version this package was written for; a build reporting another one is stale. */
export const EXPECTED_API_VERSION = 2;
