import assert from "node:assert/strict";
import { jsonObjectEnd } from "./json_object.ts";

Deno.test("jsonObjectEnd() finds the closing brace past strings, escapes and nesting", () => {
  const text = 'x {"a": "}\\"}", "b": [{"c": 1}], "d": {}} tail';
  const end = jsonObjectEnd(text, 2);
  assert.equal(text[end], "}");
  assert.deepEqual(JSON.parse(text.slice(2, end + 1)), { a: '}"}', b: [{ c: 1 }], d: {} });
});

Deno.test("jsonObjectEnd() is -1 for an object never closed or closed by an array", () => {
  assert.equal(jsonObjectEnd('{"a": 1', 0), -1);
  assert.equal(jsonObjectEnd('{"a": "}', 0), -1);
  assert.equal(jsonObjectEnd("[1, 2]", 0), -1);
});
