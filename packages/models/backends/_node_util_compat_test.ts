import assert from "node:assert/strict";
import util from "node:util";
import { restoreNodeUtilHelpers } from "./_node_util_compat.ts";

Deno.test("restoreNodeUtilHelpers() defines the helpers tfjs-node calls, only where missing", () => {
  const target = util as unknown as Record<string, unknown>;
  const isArray = target.isArray;
  restoreNodeUtilHelpers();
  const isNullOrUndefined = target.isNullOrUndefined as (value: unknown) => boolean;
  assert.equal(typeof isNullOrUndefined, "function");
  assert.equal(isNullOrUndefined(null), true);
  assert.equal(isNullOrUndefined(undefined), true);
  assert.equal(isNullOrUndefined(0), false);
  assert.equal(isNullOrUndefined(""), false);
  assert.equal(typeof isArray, "function", "Deno's node:util still has isArray");
  assert.equal(target.isArray, isArray, "an existing helper is kept");
  assert.deepEqual(restoreNodeUtilHelpers(), [], "a second call defines nothing");
});
