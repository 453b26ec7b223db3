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
  name: string;
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
  available: boolean;
  reason?: string;
  library?: string;
  /** Every place the loader looked when NVML was not found. */
  searched: string[];
}

/** Whether CUDA is usable, and what is there. */
export interface CudaStatus {
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
  driverLibrary?: string;
  /** The CUDA version the driver supports, e.g. `12.4`. */
  driverCudaVersion?: string;
  /** The NVIDIA driver version from NVML, e.g. `550.54.14`. */
  driverVersion?: string;
  /** The CUDA runtime version of the libcudart found, e.g. `12.2`. */
  runtimeVersion?: string;
  runtimeLibrary?: string;
  runtimeNote?: string;
  nvml: NvmlStatus;
  devices: DeviceInfo[];
}

/** What `synchronize` did. */
export interface SyncResult {
  available: boolean;
  device: number;
  /** True when the device's context was active and the synchronize ran. */
  ran: boolean;
  /** Why it did not run: CUDA unavailable, or no active context on the device. */
  reason?: string;
  error?: CudaErrorInfo;
}

/** What `emptyCache` did. Free bytes are device-wide; reserved bytes are the pools'. */
export interface EmptyCacheResult {
  available: boolean;
  device: number;
  ran: boolean;
  reason?: string;
  error?: CudaErrorInfo;
  freeBeforeBytes?: number;
  freeAfterBytes?: number;
  totalBytes?: number;
  poolReservedBeforeBytes?: number;
  poolReservedAfterBytes?: number;
  poolUsedAfterBytes?: number;
  /** Free-memory gain in bytes, never negative. */
  releasedBytes?: number;
  /** Why the pool part was skipped, e.g. a driver without memory pools. */
  poolNote?: string;
}

/** Device memory, in bytes. */
export interface MemoryInfo {
  available: boolean;
  device: number;
  reason?: string;
  error?: CudaErrorInfo;
  /** Where free/total came from: `cuda` (the active context), `nvml`, or `none`. */
  source: string;
  freeBytes?: number;
  totalBytes?: number;
  /** This process's device memory according to NVML. */
  processUsedBytes?: number;
  /** Why `processUsedBytes` is absent. */
  processUsedNote?: string;
  poolReservedBytes?: number;
  poolUsedBytes?: number;
  contextActive: boolean;
}

/** What `clearError` did. */
export interface ClearErrorResult {
  available: boolean;
  reason?: string;
  /** The pending runtime error that was read (and reset when not sticky). */
  cleared?: CudaErrorInfo;
  runtimeLibrary?: string;
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
  apiVersion: number;
  version: string;
}

/** What `debugAllocPooled` left behind. */
export interface DebugPoolResult {
  available: boolean;
  device: number;
  reason?: string;
  error?: CudaErrorInfo;
  poolReservedBytes?: number;
  poolUsedBytes?: number;
  freeBytes?: number;
  totalBytes?: number;
}

/** The functions the compiled addon exports. */
export interface NativeBinding {
  addonInfo(): AddonInfo;
  noop(): void;
  cudaStatus(): CudaStatus;
  gpuCountWithoutCudaInit(): GpuCount;
  synchronize(device?: number): SyncResult;
  emptyCache(device?: number): EmptyCacheResult;
  memoryInfo(device?: number): MemoryInfo;
  clearError(): ClearErrorResult;
  describeCudaError(code: number): CudaErrorInfo;
  knownCudaErrorCodes(): number[];
  debugAllocPooled(bytes: number, device?: number): DebugPoolResult;
  debugReleaseContext(device?: number): CudaErrorInfo | null;
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
