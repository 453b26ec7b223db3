import assert from "node:assert/strict";
import { Semaphore } from "./semaphore.ts";

Deno.test("Semaphore bounds holders and serves waiters in order", async () => {
  const semaphore = new Semaphore(2);
  const a = await semaphore.acquire();
  const b = await semaphore.acquire();
  const order: string[] = [];
  const c = semaphore.acquire().then((release) => (order.push("c"), release));
  const d = semaphore.acquire().then((release) => (order.push("d"), release));
  await Promise.resolve();
  assert.equal(semaphore.held, 2);
  assert.deepEqual(order, []);
  a();
  a();
  (await c)();
  b();
  (await d)();
  assert.deepEqual(order, ["c", "d"]);
  assert.equal(semaphore.held, 0);
});

Deno.test("Semaphore.acquire() rejects with the signal's reason and leaves the queue", async () => {
  const semaphore = new Semaphore(1);
  const release = await semaphore.acquire();
  const controller = new AbortController();
  const waiting = semaphore.acquire(controller.signal);
  controller.abort(new Error("stop waiting"));
  await assert.rejects(waiting, { message: "stop waiting" });
  release();
  assert.equal(semaphore.held, 0);
  assert.throws(() => new Semaphore(0), RangeError);
});
