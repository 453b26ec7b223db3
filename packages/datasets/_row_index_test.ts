import assert from "node:assert/strict";
import { RowColumns } from "./_row_index.ts";

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
  assert.equal(columns.lines[2999], 3001);
});
