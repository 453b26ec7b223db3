import { cudaStatus, emptyCache, synchronize } from "@vlmeval/native";
import { type GpuHooks, NO_GPU } from "./guard.ts";

/**
 * The guard's GPU hooks backed by the native addon: synchronize and trim device 0 of this
 * process (`CUDA_VISIBLE_DEVICES` picks it per rank). Where CUDA is unavailable (no GPU, addon
 * not built) the hooks do nothing, and `reason` says why.
 */
export function gpuHooksFromNative(): GpuHooks & { reason?: string } {
  const status = cudaStatus();
  if (!status.available) return { ...NO_GPU, reason: status.reason };
  return {
    synchronize: () => void synchronize(0),
    emptyCache: () => void emptyCache(0),
  };
}
