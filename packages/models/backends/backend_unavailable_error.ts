import { EXIT_CODES, type ExitCode } from "@vlmeval/schema";
import type { BackendName } from "./backend_info.ts";

/**
 * A backend cannot run here: its package or native library is missing, or the runtime lacks
 * the device. The message says what is missing, why, and how to get it.
 */
export class BackendUnavailableError extends Error {
  /** A backend that cannot run here ends the run with exit code 6. */
  readonly exitCode: ExitCode = EXIT_CODES.missingPrerequisite;
  /** The backend that was asked for. */
  readonly backend: BackendName;

  /** `message` says what is missing and how to get it. */
  constructor(backend: BackendName, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "BackendUnavailableError";
    this.backend = backend;
  }
}
