import assert from "node:assert/strict";
import { IndexColumn } from "./index_column.ts";

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
