import { isStickyCudaError } from "@vlmeval/native";
import { failMessage, type VisionLanguageModel } from "@vlmeval/schema";

/** GPU primitives the guard calls after a failure (the native addon, or no-ops). */
export interface GpuHooks {
  /** Waits for the device; throws a sticky error when the context is lost. */
  synchronize(): void | Promise<void>;
  /** Returns cached device memory to the driver. */
  emptyCache(): void | Promise<void>;
}

/** GPU hooks for a process with no GPU work. */
export const NO_GPU: GpuHooks = { synchronize() {}, emptyCache() {} };

/** What the loop does after a failed unit. */
export type FailureDecision =
  /** Record the failure and go on (SKIP_ERR). */
  | "continue"
  /** Record the failure and stop the run with a non-zero exit. */
  | "stop"
  /** Record the failure and stop the worker: the CUDA context is lost. */
  | "stop-sticky";

/**
 * Pure policy: what to do after a failure. An error that leaves the CUDA context unusable (a
 * sticky `CudaError` anywhere in its cause chain, `isStickyCudaError`) stops the worker.
 */
export function decideOnFailure(err: unknown, skipErr: boolean): FailureDecision {
  if (isStickyCudaError(err)) return "stop-sticky";
  return skipErr ? "continue" : "stop";
}

/** Name of an error's type as written in failure messages. */
export function errorTypeName(err: unknown): string {
  if (err instanceof Error) return err.name || err.constructor?.name || "Error";
  return typeof err;
}

/** The prediction recorded for a failure. */
export function failurePrediction(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return failMessage(errorTypeName(err), message);
}

/**
 * Cleans up after a failed unit, as VLMEvalKit's guard does and more: waits for the GPU (which
 * also surfaces an asynchronous kernel fault), releases the model's framework caches and the
 * device's cached memory. Returns a sticky error found while synchronizing, if any; other
 * cleanup errors are reported through `warn` and never hide the original failure.
 */
export async function recoverAfterFailure(
  model: VisionLanguageModel,
  gpu: GpuHooks,
  warn: (message: string) => void,
): Promise<unknown | undefined> {
  try {
    await gpu.synchronize();
  } catch (err) {
    if (isStickyCudaError(err)) return err;
    warn(`GPU synchronize after a failure reported: ${errorTypeName(err)} ${messageOf(err)}`);
  }
  try {
    await model.releaseCaches?.();
  } catch (err) {
    warn(`Releasing the model's caches failed: ${errorTypeName(err)} ${messageOf(err)}`);
  }
  try {
    await gpu.emptyCache();
  } catch (err) {
    if (isStickyCudaError(err)) return err;
    warn(`Emptying the GPU cache failed: ${errorTypeName(err)} ${messageOf(err)}`);
  }
  return undefined;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
