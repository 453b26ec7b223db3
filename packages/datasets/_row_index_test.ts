import assert from "node:assert/strict";
import { lineAt, ordinalAt, RowColumns } from "./_row_index.ts";

Deno.test("RowColumns widens offsets past 4 GiB and image counts past 255, keeping what was there", () => {
  const columns = new RowColumns();
  const far = 5 * 2 ** 30 + 3;
  for (let k = 0; k < 3000; k++) {
    const offset = k === 2000 ? far : k === 2001 ? far + 100 : k * 10;
    const images = k === 2500 ? 300 : k % 3;
    columns.push(offset, 9, k + 2, images, k);
  }
  assert.equal(columns.length, 3000);
  assert.deepEqual(
    [0, 1999, 2000, 2001, 2999].map((k) => columns.offsets[k]),
    [0, 19990, far, far + 100, 29990],
  );
  assert.deepEqual(
    [0, 1, 2, 2500, 2999].map((k) => columns.imageCounts[k]),
    [0, 1, 2, 300, 2],
  );
  assert.equal(lineAt(columns, 2999), 3001);
  assert.deepEqual([columns.lines.length, columns.ordinals.length], [0, 0], "none kept");
});

Deno.test("RowColumns keeps lines and ordinals only from the first row the position does not give", () => {
  const columns = new RowColumns();
  // Row 1500 is a record of two lines; a dropped record sits before row 2200.
  const expected: { line: number; ordinal: number }[] = [];
  let line = 2;
  let ordinal = 0;
  for (let k = 0; k < 3000; k++) {
    if (k === 2200) {
      ordinal++;
      line++;
    }
    expected.push({ line, ordinal });
    columns.push(k * 10, 9, line, 1, ordinal);
    if (k === 1499) assert.equal(columns.lines.length, 0, "no line kept before row 1500");
    line += k === 1500 ? 2 : 1;
    ordinal++;
  }
  assert.deepEqual(
    expected.map((_, k) => ({ line: lineAt(columns, k), ordinal: ordinalAt(columns, k) })),
    expected,
  );
  assert.ok(columns.lines.length >= 3000 && columns.ordinals.length >= 3000);
});

Deno.test("RowColumns keeps lengths only from the first row whose next row's offset does not give it", () => {
  for (const ending of [1, 2]) {
    const columns = new RowColumns();
    const expected: number[] = [];
    let offset = 40;
    for (let k = 0; k < 3000; k++) {
      const length = 10 + (k % 7);
      expected.push(length);
      columns.push(offset, length, k + 2, 1, k);
      // A blank line after row 2100: from there, lengths are kept.
      offset += length + ending + (k === 2100 ? ending : 0);
      if (k === 2100) assert.equal(columns.lengths.length, 0, "none kept up to row 2100");
    }
    assert.equal(columns.rowGap, ending);
    assert.deepEqual(expected.map((_, k) => columns.lengthAt(k)), expected);
    assert.ok(columns.lengths.length >= 3000);
  }
  const plain = new RowColumns();
  for (let k = 0; k < 5; k++) plain.push(k * 11, 10, k + 2, 1, k);
  assert.deepEqual([0, 1, 2, 3, 4].map((k) => plain.lengthAt(k)), [10, 10, 10, 10, 10]);
  assert.equal(plain.lengths.length, 0);
});
