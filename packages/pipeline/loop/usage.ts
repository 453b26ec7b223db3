import { grownArray } from "@vlmeval/internal";
import type { CallUsage } from "@vlmeval/schema";

/** What a served model's calls cost, summed (see {@linkcode summariseUsage}). */
export interface UsageSummary {
  /** Samples whose model reported what they cost. */
  samples: number;
  /** Prompt tokens, summed. */
  promptTokens: number;
  /** Completion tokens, summed. */
  completionTokens: number;
  /** HTTP requests, retries included. */
  requests: number;
  /** Requests after each sample's first. */
  retries: number;
  /** Mean milliseconds per sample (first request to answer, waits included). */
  meanLatencyMs: number;
  /** The 95th percentile of those milliseconds (nearest rank). */
  p95LatencyMs: number;
}

/**
 * Sums what each sample's call cost; undefined when no sample reported anything (a local
 * model). Token counts missing from a reply count as 0.
 *
 * @example
 * ```ts
 * import { summariseUsage } from "./usage.ts";
 * summariseUsage([{ promptTokens: 10, completionTokens: 1, requests: 2, retries: 1, latencyMs: 80 }]);
 * // { samples: 1, promptTokens: 10, completionTokens: 1, requests: 2, retries: 1, meanLatencyMs: 80, p95LatencyMs: 80 }
 * ```
 */
export function summariseUsage(
  usages: Iterable<CallUsage | undefined>,
): UsageSummary | undefined {
  const tally = new UsageTally();
  for (const usage of usages) tally.add(usage);
  return tally.summary();
}

/**
 * {@linkcode summariseUsage} as the calls finish: sums, and each call's latency in a typed
 * array (8 bytes a call, for the exact p95), where a run kept every call's usage object, about
 * 100 bytes of heap a sample for the whole run (issue 19). Also the last and the lowest
 * concurrency a model reported.
 */
export class UsageTally {
  #latencies = new Float64Array(64);
  #samples = 0;
  #sum = { promptTokens: 0, completionTokens: 0, requests: 0, retries: 0 };
  #concurrency: { lowest: number; last: number } | undefined;

  /** The lowest and the last concurrency a model reported, once one did. */
  get concurrency(): { lowest: number; last: number } | undefined {
    return this.#concurrency;
  }

  /** Counts one call's usage (none for a model that reports none). */
  add(usage: CallUsage | undefined): void {
    if (!usage) return;
    const sum = this.#sum;
    sum.promptTokens += usage.promptTokens ?? 0;
    sum.completionTokens += usage.completionTokens ?? 0;
    sum.requests += usage.requests;
    sum.retries += usage.retries;
    if (this.#samples === this.#latencies.length) {
      this.#latencies = grownArray(this.#latencies, this.#samples * 2);
    }
    this.#latencies[this.#samples++] = usage.latencyMs;
    const limit = usage.concurrency;
    if (limit !== undefined) {
      this.#concurrency = {
        lowest: Math.min(limit, this.#concurrency?.lowest ?? limit),
        last: limit,
      };
    }
  }

  /** The summary of the calls counted so far; undefined when none reported anything. */
  summary(): UsageSummary | undefined {
    const samples = this.#samples;
    if (samples === 0) return undefined;
    const latencies = this.#latencies.slice(0, samples).sort();
    let total = 0;
    for (let k = 0; k < samples; k++) total += latencies[k];
    return {
      samples,
      ...this.#sum,
      meanLatencyMs: Math.round(total / samples),
      p95LatencyMs: Math.round(latencies[Math.ceil(0.95 * samples) - 1]),
    };
  }
}
