import assert from "node:assert/strict";
import { summariseUsage, UsageTally } from "./usage.ts";

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

Deno.test("UsageTally counts calls as they finish: p95 over all of them, lowest and last concurrency", () => {
  const tally = new UsageTally();
  assert.equal(tally.summary(), undefined);
  // Latencies 1000 down to 1 ms, past the tally's first 64: the p95 is the 950th smallest.
  for (let k = 1000; k >= 1; k--) {
    const concurrency = k % 7 === 0 ? undefined : 4 + (k % 5);
    tally.add({ requests: 1, retries: 0, latencyMs: k, ...(concurrency ? { concurrency } : {}) });
    tally.add(undefined);
  }
  assert.deepEqual(tally.summary(), {
    samples: 1000,
    promptTokens: 0,
    completionTokens: 0,
    requests: 1000,
    retries: 0,
    meanLatencyMs: 501,
    p95LatencyMs: 950,
  });
  assert.deepEqual(tally.concurrency, { lowest: 4, last: 5 });
});
