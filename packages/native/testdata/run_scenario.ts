/**
 * Runs the steps named on the command line through the package's public functions in a fresh
 * process (the addon loads CUDA once per process) and prints one JSON array: each step's result,
 * or the error it threw with its CUDA fields.
 *
 * Usage: deno run --allow-ffi --allow-read --allow-env run_scenario.ts STEP...
 * Steps: addonStatus status gpuCount synchronize emptyCache memoryInfo clearError
 *        debugAllocPooled debugReleaseContext
 */

import {
  addonStatus,
  clearError,
  cudaStatus,
  emptyCache,
  gpuCountWithoutCudaInit,
  isStickyCudaError,
  memoryInfo,
  synchronize,
} from "../mod.ts";
import { debugAllocPooled, debugReleaseContext } from "../diagnostics.ts";

const steps: Record<string, () => unknown> = {
  addonStatus,
  status: cudaStatus,
  gpuCount: gpuCountWithoutCudaInit,
  synchronize: () => synchronize(),
  emptyCache: () => emptyCache(),
  memoryInfo: () => memoryInfo(),
  clearError,
  debugAllocPooled: () => debugAllocPooled(64 * 1024 * 1024),
  debugReleaseContext: () => debugReleaseContext(),
};

const results = Deno.args.map((step) => {
  const run = steps[step];
  if (!run) throw new TypeError(`Cannot run step "${step}" as it is unknown`);
  try {
    return { step, result: run() ?? null };
  } catch (error) {
    const fields = error as Record<string, unknown>;
    return {
      step,
      error: {
        name: fields.name,
        message: fields.message,
        cudaName: fields.cudaName,
        code: fields.code,
        sticky: fields.sticky,
        stickyByGuard: isStickyCudaError(error),
      },
    };
  }
});
console.log(JSON.stringify(results));
