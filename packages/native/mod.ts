/**
 * CUDA primitives for the evaluation loop, from the napi-rs addon in `crates/cuda_addon`:
 * status, a GPU count that leaves CUDA uninitialised, synchronize, empty the allocator cache,
 * memory info and clearing a pending error.
 * CUDA is opened at run time, so everything works (reporting `available: false` and the real
 * reason) on machines without a GPU; importing never loads or throws anything.
 *
 * Needs `--allow-ffi --allow-read --allow-env`; build the addon with `deno task build:native`.
 *
 * @example Synchronize after a sample, restart on a sticky error
 * ```ts ignore
 * import { isStickyCudaError, synchronize } from "@vlmeval/native";
 * try {
 *   synchronize();
 * } catch (error) {
 *   if (isStickyCudaError(error)) Deno.exit(3);
 *   throw error;
 * }
 * ```
 *
 * @module
 */

export {
  addonStatus,
  clearError,
  cudaStatus,
  describeCudaError,
  emptyCache,
  gpuCountWithoutCudaInit,
  memoryInfo,
  synchronize,
} from "./default_cuda.ts";
export { CudaError, type CudaErrorOptions, isStickyCudaError } from "./cuda_error.ts";
export { type CudaStatusReport, NativeCuda } from "./native_cuda.ts";
export {
  type AddonLoad,
  type AddonState,
  type AddonStatus,
  innermostMessage,
  loadAddon,
  type LoadAddonOptions,
} from "./addon_loader.ts";
export { BINDING_FUNCTIONS, EXPECTED_API_VERSION } from "./binding.ts";
export {
  ADDON_FILE_NAME,
  ADDON_PATH_VARIABLE,
  type AddonBuildState,
  addonBuildState,
  type AddonBuildStateOptions,
  BUILD_COMMAND,
  defaultAddonPath,
  defaultCrateDir,
} from "./addon_build_state.ts";
export type {
  AddonInfo,
  ClearErrorResult,
  CudaErrorInfo,
  CudaStatus,
  DebugPoolResult,
  DeviceInfo,
  EmptyCacheResult,
  GpuCount,
  MemoryInfo,
  NativeBinding,
  NvmlStatus,
  SyncResult,
} from "./binding.ts";
