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
  const latencies: number[] = [];
  const sum = { promptTokens: 0, completionTokens: 0, requests: 0, retries: 0 };
  for (const usage of usages) {
    if (!usage) continue;
    sum.promptTokens += usage.promptTokens ?? 0;
    sum.completionTokens += usage.completionTokens ?? 0;
    sum.requests += usage.requests;
    sum.retries += usage.retries;
    latencies.push(usage.latencyMs);
  }
  if (latencies.length === 0) return undefined;
  latencies.sort((a, b) => a - b);
  const mean = latencies.reduce((a, b) => a + b, 0) / latencies.length;
  const p95 = latencies[Math.ceil(0.95 * latencies.length) - 1];
  return {
    samples: latencies.length,
    ...sum,
    meanLatencyMs: Math.round(mean),
    p95LatencyMs: Math.round(p95),
  };
}
