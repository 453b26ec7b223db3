import assert from "node:assert/strict";
import { AdaptiveLimit, type Permit } from "./adaptive_limit.ts";

async function take(limit: AdaptiveLimit, n: number): Promise<Permit[]> {
  return await Promise.all(Array.from({ length: n }, () => limit.acquire()));
}

Deno.test("AdaptiveLimit halves once per round of requests on overload", async () => {
  const limit = new AdaptiveLimit(8);
  const round1 = await take(limit, 8);
  // Eight requests of one round all come back 429: the limit halves once, not eight times.
  for (const p of round1) p.release("overloaded");
  assert.equal(limit.limit, 4);
  const round2 = await take(limit, 4);
  round2[0].release("overloaded");
  round2[1].release("overloaded");
  assert.equal(limit.limit, 2, "a request started after the decrease halves it again");
  for (const p of round2.slice(2)) p.release("ok");
  const round3 = await take(limit, 2);
  for (const p of round3) p.release("overloaded");
  const round4 = await take(limit, 1);
  round4[0].release("overloaded");
  assert.equal(limit.limit, 1, "never below one");
  assert.deepEqual(limit.report(), { max: 8, current: 1, lowest: 1, decreases: 4 });
});

Deno.test("AdaptiveLimit grows back by one after a round of answers, up to its maximum", async () => {
  const limit = new AdaptiveLimit(4);
  for (const p of await take(limit, 4)) p.release("overloaded");
  for (const p of await take(limit, 2)) p.release("overloaded");
  assert.equal(limit.limit, 1);
  const sizes: number[] = [];
  for (let i = 0; i < 20; i++) {
    (await limit.acquire()).release("ok");
    sizes.push(limit.limit);
  }
  // 1 answer grows 1 to 2, then 2 answers to 3, 3 answers to 4; then it stays at 4.
  assert.deepEqual(sizes.slice(0, 7), [2, 2, 3, 3, 3, 4, 4]);
  assert.equal(limit.limit, 4);
  assert.equal(limit.report().lowest, 1);
  (await limit.acquire()).release("other");
  assert.equal(limit.limit, 4, "a 4xx or network error says nothing about load");
});

Deno.test("AdaptiveLimit keeps callers waiting while over the limit, in arrival order", async () => {
  const limit = new AdaptiveLimit(2);
  const [a, b] = await take(limit, 2);
  const order: string[] = [];
  const c = limit.acquire().then((p) => (order.push("c"), p));
  const d = limit.acquire().then((p) => (order.push("d"), p));
  a.release("overloaded"); // limit 1, one still held: nobody may start
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(order, []);
  assert.equal(limit.held, 1);
  b.release("ok");
  (await c).release("ok");
  (await d).release("ok");
  assert.deepEqual(order, ["c", "d"]);
  assert.equal(limit.held, 0);
});

Deno.test("AdaptiveLimit with adaptive: false is a plain semaphore", async () => {
  const limit = new AdaptiveLimit(3, { adaptive: false });
  for (const p of await take(limit, 3)) p.release("overloaded");
  assert.equal(limit.limit, 3);
  assert.equal(limit.report().decreases, 0);
});

Deno.test("AdaptiveLimit rejects a waiting caller whose signal aborts", async () => {
  const limit = new AdaptiveLimit(1);
  const held = await limit.acquire();
  const controller = new AbortController();
  const waiting = limit.acquire(controller.signal);
  controller.abort(new Error("stop"));
  await assert.rejects(waiting, /stop/);
  held.release("ok");
  assert.equal(limit.held, 0, "the aborted caller never took the slot");
  assert.throws(() => new AdaptiveLimit(0), RangeError);
});
