import assert from "node:assert/strict";
import { join } from "node:path";
import { entryBytes, readZipDirectory } from "./xlsx/_zip_entries.ts";
import { restoreCell } from "./neutralise.ts";
import { readPredictions } from "./read_predictions.ts";
import { writePredictions } from "./write_predictions.ts";

/**
 * VLMEvalKit's prediction table for the `numeric_options` fixture (scripts/pandas_fixtures.py):
 * each value's Python `str()`, the pandas dtypes, and the cells of the xlsx VLMEvalKit writes
 * (`dump()` through xlsxwriter), as openpyxl reads them.
 */
const fixture: {
  columns: string[];
  dtypes: string[];
  rows: string[][];
  cells: [string, string | number | boolean | null][][];
} = JSON.parse(
  Deno.readTextFileSync(
    new URL("../delimited/testdata/pandas/prediction_xlsx.json", import.meta.url),
  ),
);
const dtypes = Object.fromEntries(fixture.columns.map((c, i) => [c, fixture.dtypes[i]]));
const rows = fixture.rows.map((cells) =>
  Object.fromEntries(fixture.columns.map((c, i) => [c, cells[i]]))
);

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval_typed_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The sheet's cells by reference (`B2`) as [kind, value] from the XML itself. */
async function sheetCells(path: string): Promise<Map<string, [string, string]>> {
  using file = await Deno.open(path);
  const entries = await readZipDirectory(file, (await file.stat()).size);
  const xml = new TextDecoder().decode(
    await entryBytes(file, entries.get("xl/worksheets/sheet1.xml")!, 1 << 24),
  );
  const cells = new Map<string, [string, string]>();
  for (const match of xml.matchAll(/<c r="([A-Z]+[0-9]+)"(?: t="(\w+)")?>(.*?)<\/c>/g)) {
    const [, ref, type, body] = match;
    if (type === "inlineStr") {
      const text = [...body.matchAll(/<t[^>]*>(.*?)<\/t>/g)].map((t) => t[1]).join("");
      cells.set(ref, [
        "text",
        text.replaceAll("&apos;", "'").replaceAll("&lt;", "<").replaceAll("&amp;", "&"),
      ]);
    } else {
      cells.set(ref, [type === "b" ? "bool" : "number", /<v>(.*?)<\/v>/.exec(body)![1]]);
    }
  }
  return cells;
}

Deno.test("writePredictions() with dtypes writes the cells VLMEvalKit's xlsx holds: numbers, empty cells, text", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "M_numeric_options.xlsx");
    await writePredictions(path, fixture.columns, rows, undefined, dtypes);
    const cells = await sheetCells(path);
    let numbers = 0;
    let empty = 0;
    fixture.cells.forEach((row, r) => {
      row.forEach(([kind, value], c) => {
        const ref = `${String.fromCharCode(65 + c)}${r + 1}`;
        const ours = cells.get(ref);
        if (kind === "empty") {
          assert.equal(ours, undefined, `${ref} is empty in VLMEvalKit's file`);
          empty++;
        } else if (kind === "number") {
          assert.equal(ours?.[0], "number", `${ref} is a number in VLMEvalKit's file`);
          assert.equal(Number(ours![1]), value, ref);
          numbers++;
        } else {
          assert.equal(ours?.[0], kind, ref);
          assert.equal(restoreCell(ours![1]), String(value), ref);
        }
      });
    });
    assert.ok(numbers === 31 && empty === 4, `${numbers} numbers, ${empty} empty cells`);
    // The index is a number, so Excel sorts and sums it as VLMEvalKit's does.
    assert.deepEqual(cells.get("A2"), ["number", "0"]);

    const back = await readPredictions(path);
    assert.deepEqual(back.columns, fixture.columns);
    assert.equal(back.rows[0].index, "0");
    assert.equal(back.rows[0].B, "0.5");
    assert.equal(back.rows[2].D, "1e+16");
    assert.equal(back.rows[3].D, "inf");
    assert.equal(back.rows[3].hint, "", "a missing value is an empty cell, read as empty");
    assert.equal(back.rows[4].prediction, "=1+1");
  });
});

Deno.test("writePredictions() with dtypes writes missing values as pandas does in tsv and json", async () => {
  await withTempDir(async (dir) => {
    const tsv = join(dir, "p.tsv");
    await writePredictions(tsv, fixture.columns, rows, undefined, dtypes);
    const lines = (await Deno.readTextFile(tsv)).split("\n");
    assert.equal(lines[4].split("\t")[2], '""', "hint NaN is written as an empty field");
    assert.equal(lines[1].split("\t")[6], '"20.0"');
    const json = join(dir, "p.json");
    await writePredictions(json, fixture.columns, rows, undefined, dtypes);
    const text = await Deno.readTextFile(json);
    assert.match(text, /"index": 0,\n {8}"question": "Which value is 0\?",\n {8}"hint": 0\.0,/);
    assert.match(text, /"hint": null,/);
    assert.match(text, /"prediction": "None"/);
    const back = await readPredictions(json);
    assert.equal(back.rows[1].D, "20.0");
    assert.equal(back.rows[3].D, "inf", "infinity is the text pandas writes for it");
  });
});
