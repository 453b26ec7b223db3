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

Deno.test("IndexColumn keeps integer indices as numbers and agrees with a plain list whatever comes", () => {
  let seed = 7;
  const random = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  // Texts pandas or a user may write as indices: canonical integers, and near misses that must
  // stay text ("007" is not "7").
  const nearMisses = ["007", "-1", "+1", "1e3", "1.0", " 1", "1 ", "1234567890", "", "0x1f", "٣"];
  const cases: string[][] = [
    Array.from({ length: 3000 }, (_, k) => String(k)), // ascending from 0
    Array.from({ length: 3000 }, (_, k) => String(10 * k + 5)), // ascending with gaps
    Array.from({ length: 3000 }, () => String(Math.floor(random() * 2000))), // duplicates, any order
    Array.from({ length: 3000 }, (_, k) => String(k < 1500 ? k : 4000 - k)), // stops ascending
    [...Array.from({ length: 1000 }, (_, k) => String(k)), "007", ...["5", "0", "x"]], // then text
    ["999999999", "0", ...nearMisses, "42"],
    // Even steps, then off them but still ascending; a repeat first; one entry; steps of 1e8.
    [...Array.from({ length: 500 }, (_, k) => String(2 * k)), "1001", "1003", "5000"],
    ["5", "5", "10"],
    ["17"],
    Array.from({ length: 9 }, (_, k) => String(1e8 * k + 7)),
  ];
  for (const texts of cases) {
    const column = new IndexColumn();
    texts.forEach((text, k) => {
      column.push(text);
      // Looked up while it grows, after each change of form too.
      if (k % 97 === 0) assert.equal(column.positionOf(text), texts.indexOf(text), text);
    });
    assert.equal(column.size, texts.length);
    texts.forEach((text, position) => assert.equal(column.at(position), text));
    // Between and beyond the steps of each case, and the neighbours of each entry.
    const near = texts.flatMap((t) => /^\d+$/.test(t) ? [String(+t - 1), String(+t + 1)] : []);
    for (const text of new Set([...texts, ...nearMisses, ...near, "3001", "1000000000"])) {
      const expected = texts.indexOf(text);
      assert.equal(column.positionOf(text), expected < 0 ? undefined : expected, `"${text}"`);
    }
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
