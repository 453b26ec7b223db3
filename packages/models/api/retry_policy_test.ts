import assert from "node:assert/strict";
import {
  backoffDelayMs,
  honoursRetryAfter,
  isRetryableStatus,
  resolveBackoff,
} from "./retry_policy.ts";

Deno.test("backoffDelayMs() draws from [0, min(cap, base * 2^(retry-1)))", () => {
  const backoff = resolveBackoff({ baseMs: 1000, capMs: 60_000 });
  assert.equal(backoffDelayMs(1, backoff, () => 0.999), 999);
  assert.equal(backoffDelayMs(3, backoff, () => 0.5), 2000);
  assert.equal(backoffDelayMs(10, backoff, () => 0.5), 30_000);
  assert.equal(backoffDelayMs(4, backoff, () => 0), 0);
});

Deno.test("resolveBackoff() fills defaults and rejects negative values", () => {
  assert.deepEqual(resolveBackoff(), { baseMs: 1000, capMs: 60_000, retryAfterCapMs: 600_000 });
  assert.throws(() => resolveBackoff({ capMs: -1 }), {
    name: "RangeError",
    message: "Cannot use backoff option 'capMs' as it must be a number >= 0: current value is -1",
  });
});

Deno.test("isRetryableStatus() retries 429 and 5xx but not other client errors", () => {
  for (const status of [408, 429, 500, 502, 503, 504]) assert.ok(isRetryableStatus(status));
  for (const status of [400, 401, 403, 404, 413, 422]) assert.ok(!isRetryableStatus(status));
  assert.ok(honoursRetryAfter(429) && honoursRetryAfter(503) && !honoursRetryAfter(500));
});
