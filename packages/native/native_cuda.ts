/**
 * The CUDA facade over one addon binding: cheap `available: false` answers when the addon or
 * CUDA is missing, {@linkcode CudaError} when a CUDA call fails. Policy (what to do on a sticky
 * error) belongs to the caller.
 *
 * @module
 */

import type { AddonLoad, AddonStatus } from "./addon_loader.ts";
import type {
  ClearErrorResult,
  CudaErrorInfo,
  CudaStatus,
  EmptyCacheResult,
  GpuCount,
  MemoryInfo,
  NativeBinding,
  SyncResult,
} from "./binding.ts";
import { CudaError } from "./cuda_error.ts";

/** `cudaStatus()`'s answer: the CUDA status plus how loading the addon went. */
export interface CudaStatusReport extends CudaStatus {
  /** How loading the addon went, as `addonStatus()` reports it. */
  addon: AddonStatus;
}

/** CUDA primitives over one addon load; see the module functions for the default instance. */
export class NativeCuda {
  readonly #load: AddonLoad;

  /** Wraps a load outcome from `loadAddon()`. */
  constructor(load: AddonLoad) {
    this.#load = load;
  }

  /** Wraps a binding directly, e.g. a fault-injection binding in a test. */
  static fromBinding(binding: NativeBinding, path = "<injected binding>"): NativeCuda {
    return new NativeCuda({ state: "loaded", loaded: true, path, message: "", binding });
  }

  /** How loading the addon went: state, path, message with the fix, and the real cause. */
  addonStatus(): AddonStatus {
    const { state, loaded, path, message, cause, version } = this.#load;
    return {
      state,
      loaded,
      path,
      message,
      ...(cause === undefined ? {} : { cause }),
      ...(version === undefined ? {} : { version }),
    };
  }

  /** Whether CUDA is usable, with the real reason when not; never throws. */
  status(): CudaStatusReport {
    const binding = this.#load.binding;
    if (!binding) {
      const reason = this.#load.message;
      return {
        available: false,
        kind: "addon-unavailable",
        reason,
        searched: [],
        nvml: { available: false, reason, searched: [] },
        devices: [],
        addon: this.addonStatus(),
      };
    }
    return { ...binding.cudaStatus(), addon: this.addonStatus() };
  }

  /**
   * The machine's GPU count from NVML, without loading or initialising the CUDA driver, so
   * `CUDA_VISIBLE_DEVICES` can still be set afterwards; `count` is null, with `reason`, when
   * NVML or the addon is unavailable. Never throws.
   */
  gpuCountWithoutCudaInit(): GpuCount {
    const binding = this.#load.binding;
    if (!binding) return { count: null, source: "nvml", reason: this.#load.message };
    return binding.gpuCountWithoutCudaInit();
  }

  /**
   * Waits for all work on `device`. Runs only when the device's primary context is already
   * active (`ran` says whether it did); throws {@linkcode CudaError} when CUDA reports an error.
   */
  synchronize(device = 0): SyncResult {
    checkDevice(device, "synchronize");
    const binding = this.#load.binding;
    if (!binding) return { available: false, device, ran: false, reason: this.#load.message };
    return throwIfFailed(binding.synchronize(device), "synchronize", device);
  }

  /**
   * Synchronizes `device`, then returns its stream-ordered pools' cached memory to the device,
   * reporting free memory before and after; throws {@linkcode CudaError} on a CUDA error.
   */
  emptyCache(device = 0): EmptyCacheResult {
    checkDevice(device, "empty the cache of");
    const binding = this.#load.binding;
    if (!binding) return { available: false, device, ran: false, reason: this.#load.message };
    return throwIfFailed(binding.emptyCache(device), "empty the cache of", device);
  }

  /** Free and total memory of `device`, and this process's use from NVML where present. */
  memoryInfo(device = 0): MemoryInfo {
    checkDevice(device, "read memory of");
    const binding = this.#load.binding;
    if (!binding) {
      return {
        available: false,
        device,
        reason: this.#load.message,
        source: "none",
        contextActive: false,
      };
    }
    return throwIfFailed(binding.memoryInfo(device), "read memory of", device);
  }

  /**
   * Consumes a pending non-sticky CUDA runtime error and returns it in `cleared`; throws
   * {@linkcode CudaError} when the pending error is sticky, since it cannot be cleared.
   */
  clearError(): ClearErrorResult {
    const binding = this.#load.binding;
    if (!binding) return { available: false, reason: this.#load.message };
    const result = binding.clearError();
    if (result.cleared?.sticky) {
      throw new CudaError(result.cleared, { operation: "clear the pending CUDA error" });
    }
    return result;
  }

  /** The name, message and stickiness of a CUDA driver error code (no GPU needed). */
  describeCudaError(code: number): CudaErrorInfo {
    if (!Number.isInteger(code)) {
      throw new TypeError(
        `Cannot describe CUDA error ${code} as the code must be an integer: current value is ${code}`,
      );
    }
    const binding = this.#load.binding;
    if (!binding) {
      throw new Error(
        `Cannot describe CUDA error ${code} as the CUDA addon is not loaded: ${this.#load.message}`,
      );
    }
    return binding.describeCudaError(code);
  }

  /** The loaded binding, for diagnostics and benchmarks; throws with the load message when absent. */
  binding(): NativeBinding {
    if (!this.#load.binding) throw new Error(this.#load.message, { cause: this.#load.error });
    return this.#load.binding;
  }
}

function checkDevice(device: number, operation: string): void {
  if (!Number.isInteger(device) || device < 0 || device > 0x7fff_ffff) {
    throw new RangeError(
      `Cannot ${operation} CUDA device ${device} as the device must be a non-negative integer: current value is ${device}`,
    );
  }
}

function throwIfFailed<T extends { error?: CudaErrorInfo }>(
  result: T,
  operation: string,
  device: number,
): T {
  if (result.error) throw new CudaError(result.error, { operation, device });
  return result;
}
