/**
 * When recorded failures stop a run: the failure threshold (`--fail-on-error`, inspect_ai's
 * `fail_on_error`) and a run of identical failures.
 *
 * @module
 */

/** How many recorded failures a shard tolerates. */
export type FailureLimit =
  /** More than this share of the shard's samples (0 < fraction < 1) stops it. */
  | { fraction: number }
  /** This many failures stop it (an integer >= 1; 1 stops at the first). */
  | { count: number };

/** When recorded failures stop a shard (see {@linkcode FailureWatch}). */
export interface FailurePolicy {
  /** The failure threshold; absent: failures never stop the shard. */
  limit?: FailureLimit;
  /**
   * This many samples in a row that fail with the very same failure text (every request 401,
   * every connection refused) stop the shard at once; absent: never.
   */
  identicalInARow?: number;
}

/**
 * What `--fail-on-error` holds by default: more than 10% of a benchmark's samples failed. A
 * failed sample scores as wrong, so above a tenth of the rows the score moves by more than the
 * gaps that rank neighbouring models; isolated failures (a content filter, a corrupt image, a
 * timeout that outlived its retries) stay well below it on real benchmarks, while a failure of
 * the whole set-up (a wrong key, a server that died, an unwritable cache) passes it within the
 * first tenth of the run, where stopping saves the other nine tenths.
 */
export const DEFAULT_FAILURE_LIMIT: FailureLimit = { fraction: 0.1 };

/** Failures in a row, with the identical text, that stop a shard at once by default. */
export const DEFAULT_IDENTICAL_IN_A_ROW = 5;

/**
 * Reads `--fail-on-error`: a fraction in (0, 1) (`0.1`: more than 10% of the samples), a count
 * (an integer >= 1: that many failures), or `never` (failures never stop the run, VLMEvalKit's
 * SKIP_ERR; the identical-failures rule is off too). Undefined for anything else.
 */
export function parseFailOnError(text: string): FailurePolicy | undefined {
  const value = text.trim();
  if (value === "never") return {};
  if (!/^\d+(\.\d+)?$|^\.\d+$/.test(value)) return undefined;
  const n = Number(value);
  const identicalInARow = DEFAULT_IDENTICAL_IN_A_ROW;
  if (n > 0 && n < 1) return { limit: { fraction: n }, identicalInARow };
  if (Number.isInteger(n) && n >= 1) return { limit: { count: n }, identicalInARow };
  return undefined;
}

/** Why a {@linkcode FailureWatch} stops its shard. */
export interface FailureStop {
  /** `threshold`: the failure limit was passed; `identical`: a run of identical failures. */
  kind: "threshold" | "identical";
  /** A sentence naming the counts and the last failure. */
  message: string;
}

/**
 * Counts a shard's recorded failures as its samples finish, and says when to stop: once they
 * pass the policy's limit (failures kept from earlier runs count too), or once the last
 * `identicalInARow` samples failed with the very same text. Failures are told apart only by
 * their whole text, so per-sample errors (a path, an index) never look identical.
 */
export class FailureWatch {
  #policy: FailurePolicy;
  #samples: number;
  #failed: number;
  #lastText = "";
  #inARow = 0;

  /** `samples`: the shard's samples; `alreadyFailed`: failures kept from earlier runs. */
  constructor(policy: FailurePolicy, samples: number, alreadyFailed = 0) {
    this.#policy = policy;
    this.#samples = samples;
    this.#failed = alreadyFailed;
  }

  /** Failures counted so far. */
  get failed(): number {
    return this.#failed;
  }

  /** One more finished sample; `failure` is its recorded failure text, undefined for an answer. */
  record(failure: string | undefined): FailureStop | undefined {
    if (failure === undefined) {
      this.#inARow = 0;
      return undefined;
    }
    this.#failed++;
    this.#inARow = failure === this.#lastText ? this.#inARow + 1 : 1;
    this.#lastText = failure;
    const { limit, identicalInARow } = this.#policy;
    if (identicalInARow !== undefined && this.#inARow >= identicalInARow) {
      return {
        kind: "identical",
        message: `${this.#inARow} samples in a row failed the same way: ${failure}`,
      };
    }
    const passed = limit && limitPassed(limit, this.#failed, this.#samples);
    if (passed) return { kind: "threshold", message: `${passed}; the last: ${failure}` };
    return undefined;
  }
}

/**
 * `31 of 300 samples failed, more than 10% (--fail-on-error 0.1)` when `failed` failures of
 * `samples` pass `limit`; undefined while they do not.
 */
export function limitPassed(
  limit: FailureLimit,
  failed: number,
  samples: number,
): string | undefined {
  if ("fraction" in limit) {
    if (failed <= limit.fraction * samples) return undefined;
    return `${failed} of ${samples} samples failed, more than ${
      percent(limit.fraction)
    } (--fail-on-error ${limit.fraction})`;
  }
  if (failed < limit.count) return undefined;
  return `${failed} of ${samples} samples failed (--fail-on-error ${limit.count})`;
}

function percent(fraction: number): string {
  return `${Number((fraction * 100).toFixed(2))}%`;
}
