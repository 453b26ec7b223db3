import assert from "node:assert/strict";
import { causeChain } from "./cause_chain.ts";

Deno.test("causeChain() lists an error and its causes, outermost first", () => {
  const root = new TypeError("root");
  const middle = new Error("middle", { cause: root });
  const top = new Error("top", { cause: middle });
  assert.deepEqual(causeChain(top), [top, middle, root]);
  assert.deepEqual(causeChain("text"), ["text"]);
  assert.deepEqual(causeChain(new Error("x", { cause: "reason" })).at(-1), "reason");
  assert.deepEqual(causeChain(undefined), [undefined]);
});

Deno.test("causeChain() walks a cyclic chain once and stops at maxDepth", () => {
  const first = new Error("a");
  const second = new Error("b", { cause: first });
  (first as { cause?: unknown }).cause = second;
  assert.deepEqual(causeChain(first), [first, second]);
  let deep: Error = new Error("0");
  for (let i = 1; i < 40; i++) deep = new Error(String(i), { cause: deep });
  assert.equal(causeChain(deep).length, 16);
  assert.equal(causeChain(deep, 6).length, 6);
});
