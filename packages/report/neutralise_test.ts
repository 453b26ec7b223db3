import assert from "node:assert/strict";
import { neutraliseCell, restoreCell } from "./neutralise.ts";

Deno.test("neutraliseCell() quotes text a spreadsheet could run as a formula", () => {
  for (const text of ["=1+1", "+cmd", "@SUM(A1)", "-x", "\t=1", "\r=1", "- bullet", "-1+2"]) {
    assert.equal(neutraliseCell(text), `'${text}`, text);
  }
});

Deno.test("neutraliseCell() leaves ordinary text and plain numbers alone", () => {
  for (
    const text of ["", "A", "The answer is =", "-2", "+1.5", "-.5e3", "1-2", "None", "'quoted"]
  ) {
    assert.equal(neutraliseCell(text), text, text);
  }
});

Deno.test("neutraliseCell() adds a quote to text that already looks neutralised", () => {
  assert.equal(neutraliseCell("'=x"), "''=x");
  assert.equal(neutraliseCell("''-2"), "'''-2");
});

Deno.test("restoreCell() undoes neutraliseCell() exactly", () => {
  const samples = [
    "",
    "=1+1",
    "'=1+1",
    "''=1+1",
    "-2",
    "'-2",
    "'",
    "''",
    "'a",
    "@",
    "\t",
    "'\r",
    "+",
    "x=1",
  ];
  for (const text of samples) assert.equal(restoreCell(neutraliseCell(text)), text, text);
});

Deno.test("restoreCell() keeps a lone leading quote before ordinary text", () => {
  assert.equal(restoreCell("'hello"), "'hello");
  assert.equal(restoreCell("'=x"), "=x");
});
