import assert from "node:assert/strict";
import { parseRetryAfter, sleep } from "./retry_after.ts";

Deno.test("parseRetryAfter() reads delta seconds and HTTP dates", () => {
  const now = Date.parse("Wed, 21 Oct 2026 07:28:00 GMT");
  assert.equal(parseRetryAfter("3", now), 3000);
  assert.equal(parseRetryAfter(" 1.5 ", now), 1500);
  assert.equal(parseRetryAfter("Wed, 21 Oct 2026 07:28:07 GMT", now), 7000);
  assert.equal(parseRetryAfter("Wed, 21 Oct 2026 07:27:00 GMT", now), 0);
  assert.equal(parseRetryAfter(null, now), undefined);
  assert.equal(parseRetryAfter("", now), undefined);
  assert.equal(parseRetryAfter("soon", now), undefined);
  assert.equal(parseRetryAfter("-5", now), undefined);
});

Deno.test("sleep() waits, and ends at once with the reason when aborted", async () => {
  const started = Date.now();
  await sleep(30);
  assert.ok(Date.now() - started >= 25);

  const controller = new AbortController();
  const waiting = sleep(60_000, controller.signal);
  controller.abort(new Error("interrupted"));
  await assert.rejects(waiting, /interrupted/);
  await assert.rejects(sleep(60_000, controller.signal), /interrupted/, "already aborted");
});
