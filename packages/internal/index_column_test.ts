import assert from "node:assert/strict";
import { grownArray, IndexColumn } from "./index_column.ts";

Deno.test("IndexColumn gives back each index by position and each position by index", () => {
  const column = new IndexColumn();
  const texts = Array.from({ length: 5000 }, (_, k) => (k % 7 === 0 ? `é-${k}` : String(k * 3)));
  texts.push("x".repeat(300), "", "日本語");
  for (const text of texts) {
    assert.equal(column.positionOf(text), undefined, `${text} is not there before its push`);
    column.push(text);
  }
  assert.equal(column.size, texts.length);
  texts.forEach((text, position) => {
    assert.equal(column.at(position), text);
    assert.equal(column.positionOf(text), position);
  });
  for (const absent of ["-1", "é-1", "x".repeat(299), "1 ", "15000"]) {
    assert.equal(column.positionOf(absent), undefined, absent);
  }
});

Deno.test("grownArray() moves a typed array's values into a longer or shorter one of its kind", () => {
  const original = Float64Array.of(1.5, -2, 3);
  const grown = grownArray(original, 5);
  assert.ok(grown instanceof Float64Array);
  assert.deepEqual([...grown], [1.5, -2, 3, 0, 0]);
  assert.equal(original.length, 0, "the old array is detached: its memory is the new one's");
  assert.deepEqual([...grownArray(Uint8Array.of(7, 8, 9), 2)], [7, 8]);
  // A view into a larger buffer is copied, and the buffer's other views keep their values.
  const whole = Uint32Array.of(1, 2, 3, 4);
  const view = whole.subarray(1, 3);
  assert.deepEqual([...grownArray(view, 3)], [2, 3, 0]);
  assert.deepEqual([...whole], [1, 2, 3, 4]);
  assert.deepEqual([...view], [2, 3]);
});
