/**
 * Process exit codes of `vlmeval`. Each one means one thing, so launchers and scripts can act
 * on it (the rank supervisor restarts a worker that exits with `stickyCuda` or `crashed`).
 */
export const EXIT_CODES = {
  /** Every sample finished (failures recorded under SKIP_ERR count as finished). */
  ok: 0,
  /** A sample failed without SKIP_ERR, or an unexpected error; finished work is kept. */
  sampleFailed: 1,
  /** Bad command line. */
  usage: 2,
  /** A sticky CUDA error: the process cannot use the GPU again; rerun to resume. */
  stickyCuda: 3,
  /** A dataset or prediction file is malformed (the message names file, row and field). */
  badInput: 4,
  /** Rank 0 gave up waiting for other ranks' shards (the message names them). */
  rankTimeout: 5,
  /** A prerequisite is missing (ffmpeg, an optional backend, the native addon build). */
  missingPrerequisite: 6,
  /**
   * A served model's endpoint failed its check before the first sample (unreachable, key
   * refused, unknown model, wrong path); nothing was recorded. The message says what to fix.
   */
  endpoint: 7,
  /**
   * Too many samples failed: recorded failures passed the failure threshold (`--fail-on-error`,
   * by default more than 10% of a benchmark's samples), or a run of identical errors (every
   * request refused, every key rejected) showed that no later sample could succeed. The run
   * stopped early; finished samples are kept and a rerun retries the failures.
   */
  tooManyFailures: 8,
  /** Interrupted by SIGINT/SIGTERM; finished work is kept. */
  interrupted: 130,
} as const;

/** Name of an exit code in {@link EXIT_CODES}. */
export type ExitCodeName = keyof typeof EXIT_CODES;

/** One of the {@link EXIT_CODES} values. */
export type ExitCode = (typeof EXIT_CODES)[ExitCodeName];

const EXIT_CODE_VALUES: ReadonlySet<unknown> = new Set(Object.values(EXIT_CODES));

/**
 * The exit code an error carries: an error class that ends a run with a documented code
 * declares it as an `exitCode` field (`readonly exitCode = EXIT_CODES.badInput`), so the code
 * travels with the class instead of being looked up by name. Undefined for anything else (a
 * value that is not an Error, or not one of {@link EXIT_CODES}).
 *
 * @example
 * ```ts
 * import { EXIT_CODES, exitCodeOf } from "@vlmeval/schema";
 * class BrokenFileError extends Error {
 *   readonly exitCode = EXIT_CODES.badInput;
 * }
 * exitCodeOf(new BrokenFileError("bad row")); // 4
 * exitCodeOf(new Error("other")); // undefined
 * ```
 */
export function exitCodeOf(error: unknown): ExitCode | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { exitCode?: unknown }).exitCode;
  return EXIT_CODE_VALUES.has(code) ? code as ExitCode : undefined;
}
