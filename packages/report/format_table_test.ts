import assert from "node:assert/strict";
import { formatTable } from "./format_table.ts";

Deno.test("formatTable() aligns text left and number columns right", () => {
  assert.equal(
    formatTable(["split", "Overall", "n"], [["dev", 0.73285714, 4329], ["test", 0.5, 12]]),
    [
      "split  Overall     n",
      "-----  -------  ----",
      "dev     0.7329  4329",
      "test    0.5000    12",
    ].join("\n"),
  );
});

Deno.test("formatTable() honours digits and shows numeric text as given", () => {
  assert.equal(
    formatTable(["acc", "pct"], [[0.123456, "73.3%"], [1, "5%"]], { digits: 2 }),
    [" acc    pct", "----  -----", "0.12  73.3%", "   1     5%"].join("\n"),
  );
});

Deno.test("formatTable() escapes control characters so output cannot drive the terminal", () => {
  const table = formatTable(["text"], [["a\nb\x1b[31mred\u202e"], [null]]);
  assert.equal(
    table,
    ["text", "-----------------------", "a\\nb\\x1b[31mred\\u{202e}", ""].join("\n"),
  );
  const unsafe = [...table].filter((char) => char !== "\n" && (char < " " || char === "\u202e"));
  assert.deepEqual(unsafe, []);
});

Deno.test("formatTable() measures wide characters as two columns and clips long cells", () => {
  assert.equal(
    formatTable(["类别", "x"], [["中文", 1], ["ab", 2]]),
    ["类别  x", "----  -", "中文  1", "ab    2"].join("\n"),
  );
  const clipped = formatTable(["t"], [["z".repeat(100)]], { maxWidth: 10 }).split("\n")[2];
  assert.equal(clipped, `${"z".repeat(9)}…`);
});

Deno.test("formatTable() prints a header and rule for an empty table", () => {
  assert.equal(formatTable(["a", "bb"], []), "a  bb\n-  --");
});
