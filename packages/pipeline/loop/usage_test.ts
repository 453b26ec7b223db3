import assert from "node:assert/strict";
import { summariseUsage } from "./usage.ts";

Deno.test("summariseUsage() sums tokens, requests and retries; mean and p95 latency", () => {
  const usages = Array.from({ length: 20 }, (_, i) => ({
    promptTokens: 10,
    completionTokens: i % 2 ? 2 : undefined,
    requests: i === 3 ? 3 : 1,
    retries: i === 3 ? 2 : 0,
    latencyMs: (i + 1) * 10,
  }));
  assert.deepEqual(summariseUsage([...usages, undefined]), {
    samples: 20,
    promptTokens: 200,
    completionTokens: 20,
    requests: 22,
    retries: 2,
    meanLatencyMs: 105,
    p95LatencyMs: 190,
  });
  assert.equal(summariseUsage([undefined, undefined]), undefined, "a local model reports none");
});
