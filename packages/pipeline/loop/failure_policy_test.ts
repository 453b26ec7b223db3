import assert from "node:assert/strict";
import { FailureWatch, limitPassed, parseFailOnError } from "./failure_policy.ts";

Deno.test("parseFailOnError() reads a fraction, a count or never, and nothing else", () => {
  assert.deepEqual(parseFailOnError("0.1"), { limit: { fraction: 0.1 }, identicalInARow: 5 });
  assert.deepEqual(parseFailOnError(".5"), { limit: { fraction: 0.5 }, identicalInARow: 5 });
  assert.deepEqual(parseFailOnError("20"), { limit: { count: 20 }, identicalInARow: 5 });
  assert.deepEqual(parseFailOnError("1"), { limit: { count: 1 }, identicalInARow: 5 });
  assert.deepEqual(parseFailOnError("never"), {});
  for (const bad of ["0", "0.0", "1.5", "-0.1", "1e-1", "10%", "", "true"]) {
    assert.equal(parseFailOnError(bad), undefined, bad);
  }
});

Deno.test("FailureWatch stops once failures pass the fraction of all the shard's samples", () => {
  const watch = new FailureWatch({ limit: { fraction: 0.1 } }, 30);
  const stops = [];
  for (let i = 0; i < 10; i++) stops.push(watch.record(i % 2 ? `failed ${i}` : undefined));
  assert.deepEqual(stops.slice(0, 7).filter(Boolean), [], "3 of 30 is not more than 10%");
  assert.deepEqual(stops[7], {
    kind: "threshold",
    message: "4 of 30 samples failed, more than 10% (--fail-on-error 0.1); the last: failed 7",
  });
});

Deno.test("FailureWatch counts failures kept from earlier runs, and stops at a count", () => {
  const kept = new FailureWatch({ limit: { count: 3 } }, 100, 2);
  assert.equal(
    kept.record("x")?.message,
    "3 of 100 samples failed (--fail-on-error 3); the last: x",
  );
  const none = new FailureWatch({}, 10);
  for (let i = 0; i < 10; i++) assert.equal(none.record(`e${i}`), undefined, "never");
  assert.equal(none.failed, 10);
});

Deno.test("FailureWatch stops at identical failures in a row; an answer or another text resets", () => {
  const watch = new FailureWatch({ identicalInARow: 3 }, 1000);
  const refused = "Failed to obtain answer via API. connection refused (...) (6 attempts)";
  assert.equal(watch.record(refused), undefined);
  assert.equal(watch.record(undefined), undefined);
  assert.equal(watch.record(refused), undefined);
  assert.equal(watch.record("Failed to obtain answer: RangeError sample 7"), undefined);
  assert.equal(watch.record(refused), undefined);
  assert.equal(watch.record(refused), undefined);
  assert.deepEqual(watch.record(refused), {
    kind: "identical",
    message: `3 samples in a row failed the same way: ${refused}`,
  });
});

Deno.test("limitPassed() says nothing until the limit is passed", () => {
  assert.equal(limitPassed({ fraction: 0.25 }, 1, 4), undefined);
  assert.equal(
    limitPassed({ fraction: 0.25 }, 2, 4),
    "2 of 4 samples failed, more than 25% (--fail-on-error 0.25)",
  );
  assert.equal(limitPassed({ count: 2 }, 1, 4), undefined);
  assert.equal(limitPassed({ count: 2 }, 2, 4), "2 of 4 samples failed (--fail-on-error 2)");
});
