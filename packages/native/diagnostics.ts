/**
 * Diagnostics for benchmarks and the GPU check script, not for the evaluation loop: the raw
 * binding and the helper that deliberately fills the memory pool so `emptyCache` has something
 * to return.
 *
 * @module
 */

import type { DebugPoolResult, NativeBinding } from "./binding.ts";
import { CudaError } from "./cuda_error.ts";
import { defaultCuda } from "./default_cuda.ts";

/** The loaded addon binding; throws with the load message when the addon is not loaded. */
export function nativeBinding(): NativeBinding {
  return defaultCuda().binding();
}

/**
 * DIAGNOSTIC ONLY: activates and keeps the primary context of `device`, then allocates and
 * frees `bytes` through the stream-ordered allocator with the pool's release threshold at its
 * maximum, so the memory stays cached in the pool. Undo with {@linkcode debugReleaseContext}.
 */
export function debugAllocPooled(bytes: number, device = 0): DebugPoolResult {
  if (!Number.isSafeInteger(bytes) || bytes <= 0) {
    throw new RangeError(
      `Cannot fill the CUDA pool as bytes must be a positive integer: current value is ${bytes}`,
    );
  }
  return nativeBinding().debugAllocPooled(bytes, device);
}

/** DIAGNOSTIC ONLY: drops the primary-context reference {@linkcode debugAllocPooled} kept. */
export function debugReleaseContext(device = 0): void {
  const error = nativeBinding().debugReleaseContext(device);
  if (error) throw new CudaError(error, { operation: "release the context of", device });
}
