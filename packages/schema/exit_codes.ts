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
  /** Interrupted by SIGINT/SIGTERM; finished work is kept. */
  interrupted: 130,
} as const;

/** Name of an exit code in {@link EXIT_CODES}. */
export type ExitCodeName = keyof typeof EXIT_CODES;
