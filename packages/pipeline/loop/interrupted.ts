import { EXIT_CODES, type ExitCode } from "@vlmeval/schema";

/**
 * The reason of an interrupt (SIGINT, SIGTERM): the run stops, nothing in flight is recorded as
 * a failure, and it ends with exit code 130.
 */
export class InterruptedError extends Error {
  /** An interrupted run exits with code 130. */
  readonly exitCode: ExitCode = EXIT_CODES.interrupted;
  /** Always `"InterruptedError"`. */
  override name = "InterruptedError";
  /** The signal that interrupted the run. */
  readonly signal: Deno.Signal;
  /** `signal`: what interrupted the run. */
  constructor(signal: Deno.Signal) {
    super(`interrupted by ${signal}`);
    this.signal = signal;
  }
}
