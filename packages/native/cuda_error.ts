/**
 * The error the facade throws when a CUDA call fails, and the check the evaluation loop uses to
 * tell a sticky error (the process must restart) from a recoverable one.
 *
 * @module
 */

import { causeChain } from "@vlmeval/internal";
import type { CudaErrorInfo } from "./binding.ts";

/** Options of the {@linkcode CudaError} constructor. */
export interface CudaErrorOptions {
  /** What was being done, completed by " CUDA device N", e.g. "synchronize", "empty the cache of". */
  operation?: string;
  /** The CUDA device ordinal. */
  device?: number;
  /** The underlying error, kept as the new error's `cause`. */
  cause?: unknown;
}

/**
 * A failed CUDA call. `sticky` means the context is unusable: any further CUDA work returns the
 * same error, so the process must exit and restart (e.g. `CUDA_ERROR_ILLEGAL_ADDRESS`).
 *
 * @example Stop on a sticky error, go on otherwise
 * ```ts
 * import { CudaError } from "@vlmeval/native";
 * const error = new CudaError({
 *   code: 700,
 *   name: "CUDA_ERROR_ILLEGAL_ADDRESS",
 *   message: "an illegal memory access was encountered",
 *   sticky: true,
 *   call: "cuCtxSynchronize",
 * });
 * if (!error.sticky) throw new Error("expected a sticky error");
 * ```
 */
export class CudaError extends Error {
  /** The CUDA enum name, e.g. `CUDA_ERROR_ILLEGAL_ADDRESS`. */
  readonly cudaName: string;
  /** The numeric CUDA error code, e.g. 700. */
  readonly code: number;
  /** True when the process must restart before CUDA works again. */
  readonly sticky: boolean;
  /** The CUDA call that failed, e.g. `cuCtxSynchronize`. */
  readonly call: string;
  /** The device ordinal, when the call concerned one device. */
  readonly device?: number;

  /** Builds the error from `info`; the message names the operation, device, call and code. */
  constructor(info: CudaErrorInfo, options: CudaErrorOptions = {}) {
    const where = options.device === undefined ? "" : ` CUDA device ${options.device}`;
    const what = options.operation ?? "use CUDA";
    const call = info.call ? `${info.call} failed with ` : "";
    super(
      `Cannot ${what}${where} as ${call}${info.name} (${info.code}): ${info.message}${
        info.sticky ? "; the error is sticky: CUDA is unusable until the process restarts" : ""
      }`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = "CudaError";
    this.cudaName = info.name;
    this.code = info.code;
    this.sticky = info.sticky;
    this.call = info.call;
    this.device = options.device;
  }
}

/**
 * True when `error`, or any error in its `cause` chain (`causeChain`: 16 deep, cycles walked
 * once), is a sticky CUDA error: a
 * {@linkcode CudaError} with `sticky`, or any object with `sticky === true` (errors from another
 * copy of this package).
 *
 * @example
 * ```ts
 * import { CudaError, isStickyCudaError } from "@vlmeval/native";
 * const info = { code: 2, name: "CUDA_ERROR_OUT_OF_MEMORY", message: "out of memory", sticky: false, call: "" };
 * if (isStickyCudaError(new Error("sample failed", { cause: new CudaError(info) }))) {
 *   throw new Error("out of memory is recoverable");
 * }
 * ```
 */
export function isStickyCudaError(error: unknown): boolean {
  return causeChain(error).some((e) =>
    typeof e === "object" && e !== null && (e as { sticky?: unknown }).sticky === true
  );
}
