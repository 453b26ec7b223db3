import assert from "node:assert/strict";
import {
  companionPathFor,
  escapeXlsxText,
  EXCEL_CELL_LIMIT,
  fitExcelCell,
  truncatedCell,
} from "./_xlsx_text.ts";

Deno.test("escapeXlsxText() escapes what XML cannot carry and literal escapes", () => {
  assert.equal(escapeXlsxText("a\u0001b\rc\n\td"), "a_x0001_b_x000D_c\n\td");
  assert.equal(
    escapeXlsxText("_x0041_ and _x00e9_ and _y"),
    "_x005F_x0041_ and _x005F_x00e9_ and _y",
  );
  assert.equal(escapeXlsxText("\ud800!\udc00 🙂"), "_xD800_!_xDC00_ 🙂");
  assert.equal(escapeXlsxText("&lt; <b> 中文"), "&lt; <b> 中文");
});

Deno.test("fitExcelCell() leaves text within the limit untouched", () => {
  const text = "y".repeat(EXCEL_CELL_LIMIT);
  assert.equal(fitExcelCell(text, "M_D.tsv"), text);
  assert.equal(truncatedCell(text), undefined);
});

Deno.test("fitExcelCell() cuts to the limit with a marker that truncatedCell() reads", () => {
  const text = "z".repeat(40_000);
  const cut = fitExcelCell(text, "M_D.tsv");
  assert.equal(cut.length, EXCEL_CELL_LIMIT);
  assert.match(cut, /full text of 40000 characters in M_D\.tsv\]$/);
  const found = truncatedCell(cut);
  assert.ok(found);
  assert.equal(found.fullLength, 40_000);
  assert.ok(text.startsWith(found.prefix));
});

Deno.test("fitExcelCell() never splits a surrogate pair", () => {
  const text = "🙂".repeat(20_000);
  const cut = fitExcelCell(text, "M_D.tsv");
  assert.ok(cut.length <= EXCEL_CELL_LIMIT);
  const prefix = truncatedCell(cut)?.prefix ?? "";
  assert.equal(prefix.length % 2, 0);
  assert.ok(text.startsWith(prefix));
});

Deno.test("companionPathFor() swaps the extension for .tsv", () => {
  assert.equal(companionPathFor("/w/M/M_D.xlsx"), "/w/M/M_D.tsv");
  assert.equal(companionPathFor("/w.d/M_D"), "/w.d/M_D.tsv");
});
