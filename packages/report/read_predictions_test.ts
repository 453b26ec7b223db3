import assert from "node:assert/strict";
import ExcelJS from "exceljs";
import { MalformedFileError } from "./malformed_file_error.ts";
import { readPredictions } from "./read_predictions.ts";
import { writePredictions } from "./write_predictions.ts";

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval_report_test_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Asserts a MalformedFileError whose message names the file and matches `pattern`. */
async function assertMalformed(
  path: string,
  pattern: RegExp,
  where: { row?: number; column?: string } = {},
): Promise<void> {
  await assert.rejects(() => readPredictions(path), (error: unknown) => {
    assert.ok(error instanceof MalformedFileError, String(error));
    assert.equal(error.name, "MalformedFileError");
    assert.equal(error.path, path);
    assert.ok(error.message.includes(path), error.message);
    assert.match(error.message, pattern);
    if ("row" in where) assert.equal(error.row, where.row);
    if ("column" in where) assert.equal(error.column, where.column);
    return true;
  });
}

Deno.test("readPredictions() keeps None, NA and empty cells as text (no NaN conversion)", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/M_D.tsv`;
    await Deno.writeTextFile(
      path,
      'index\tprediction\tA\tB\n1\tNone\tNA\t\n2\t"N/A"\tnan\t#N/A\n3\t1.50\tNULL\t""\n',
    );
    const table = await readPredictions(path);
    assert.deepEqual(table.columns, ["index", "prediction", "A", "B"]);
    assert.deepEqual(table.rows, [
      { index: "1", prediction: "None", A: "NA", B: "" },
      { index: "2", prediction: "N/A", A: "nan", B: "#N/A" },
      { index: "3", prediction: "1.50", A: "NULL", B: "" },
    ]);
  });
});

Deno.test("readPredictions() names file, row and column for an unterminated quote", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/M_D.tsv`;
    await Deno.writeTextFile(path, '"index"\t"prediction"\n"1"\t"A"\n"2"\t"torn ans');
    await assertMalformed(
      path,
      /a quoted field opened on line 3 is never closed \(row 2, column "prediction"\)/,
      { row: 2, column: "prediction" },
    );
  });
});

Deno.test("readPredictions() rejects a tsv row with the wrong number of fields", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/M_D.tsv`;
    await Deno.writeTextFile(path, '"index"\t"prediction"\n"1"\t"A"\t"extra"\n');
    await assertMalformed(path, /line 2 \(row 1\) has 3 fields where the header has 2/, {
      row: 1,
      column: "field 3",
    });
    await Deno.writeTextFile(path, '"index"\t"prediction"\n"1"\t"A"\n"2"\n');
    await assertMalformed(path, /line 3 \(row 2\) has 1 fields/, { row: 2, column: "prediction" });
  });
});

Deno.test("readPredictions() rejects text after a closing quote, bad headers, bad UTF-8", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/M_D.tsv`;
    await Deno.writeTextFile(path, '"index"\t"prediction"\n"1"x\t"A"\n');
    await assertMalformed(
      path,
      /line 2 has "x" right after a closing quote \(row 1, column "index"\)/,
    );
    await Deno.writeTextFile(path, '"index"\t"index"\n"1"\t"2"\n');
    await assertMalformed(path, /column "index" appears twice in the header/, { column: "index" });
    await Deno.writeTextFile(path, "");
    await assertMalformed(path, /has no header row/);
    await Deno.writeFile(
      path,
      new Uint8Array([0x22, 0x61, 0x22, 0x0a, 0x22, 0xff, 0xfe, 0x22, 0x0a]),
    );
    await assertMalformed(path, /is not valid UTF-8/);
  });
});

Deno.test("readPredictions() reads JSON records, keeping numbers as written", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/M_D.json`;
    await Deno.writeTextFile(
      path,
      '[{"index": 1, "hint": NaN, "score": 1.0, "ok": true, "p": "NaN"},' +
        ' {"index": 2, "score": -Infinity, "extra": {"k": [1.50, null]}, "p": null}]',
    );
    const table = await readPredictions(path);
    assert.deepEqual(table.columns, ["index", "hint", "score", "ok", "p", "extra"]);
    assert.deepEqual(table.rows, [
      { index: "1", hint: "", score: "1.0", ok: "true", p: "NaN", extra: "" },
      { index: "2", hint: "", score: "-inf", ok: "", p: "", extra: '{"k":[1.50,null]}' },
    ]);
  });
});

Deno.test("readPredictions() rejects JSON that is not a list of records", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/M_D.json`;
    await Deno.writeTextFile(path, '[{"index": "1"}, {"index": ');
    await assertMalformed(path, /is not valid JSON: /);
    await Deno.writeTextFile(path, '{"index": ["1"]}');
    await assertMalformed(path, /must hold a JSON list of records: current value is object/);
    await Deno.writeTextFile(path, '[{"index": "1"}, ["2"]]');
    await assertMalformed(path, /record 2 must be an object: current value is a list/, { row: 2 });
  });
});

Deno.test("readPredictions() turns every xlsx value into text", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/old.xlsx`;
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("Sheet1");
    sheet.addRow(["index", "n", "flag", "formula", "link", "error", "text", "empty"]);
    sheet.addRow([
      17,
      0.1,
      true,
      { formula: "1+1", result: 2 },
      { text: "see this", hyperlink: "https://example.com" },
      { error: "#N/A" },
      "&lt;b&gt; text",
      null,
    ]);
    await workbook.xlsx.writeFile(path);
    const table = await readPredictions(path);
    assert.deepEqual(table.columns, [
      "index",
      "n",
      "flag",
      "formula",
      "link",
      "error",
      "text",
      "empty",
    ]);
    assert.deepEqual(table.rows, [{
      index: "17",
      n: "0.1",
      flag: "True",
      formula: "2",
      link: "see this",
      error: "#N/A",
      text: "&lt;b&gt; text",
      empty: "",
    }]);
  });
});

Deno.test("readPredictions() rejects an xlsx value beyond the header and a non-xlsx file", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/M_D.xlsx`;
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("Sheet1");
    sheet.addRow(["index", "prediction"]);
    sheet.addRow(["1", "A"]);
    sheet.addRow(["2", "B", "stray"]);
    await workbook.xlsx.writeFile(path);
    await assertMalformed(
      path,
      /sheet row 3 \(row 2\) has a value in column C, beyond the header's 2 columns/,
      { row: 2, column: "C" },
    );
    await Deno.writeTextFile(path, "index\tprediction\n");
    await assertMalformed(path, /as an xlsx workbook: /);
  });
});

Deno.test("readPredictions() warns and keeps the cut text when the companion tsv is gone or differs", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/M_D.xlsx`;
    const long = "w".repeat(33_000);
    await writePredictions(path, ["index", "prediction"], [{ index: "1", prediction: long }]);
    await writePredictions(`${dir}/M_D.tsv`, ["index", "prediction"], [{
      index: "1",
      prediction: "other",
    }]);
    const differs = await readPredictions(path);
    assert.equal(differs.rows[0].prediction.length, 32_767);
    assert.match(
      differs.warnings[0],
      /^Row 1, column "prediction" of .*M_D\.xlsx was cut .* does not hold its full text: the cut text is used$/,
    );
    await Deno.remove(`${dir}/M_D.tsv`);
    const gone = await readPredictions(path);
    assert.ok(long.startsWith(gone.rows[0].prediction.split("\n[vlmeval")[0]));
    assert.match(gone.warnings[0], /M_D\.tsv does not exist: the cut text is used$/);
  });
});

Deno.test("readPredictions() throws NotFound for a missing file in every format", async () => {
  await withTempDir(async (dir) => {
    for (const ext of ["xlsx", "tsv", "json"]) {
      await assert.rejects(() => readPredictions(`${dir}/none.${ext}`), Deno.errors.NotFound);
    }
  });
});

Deno.test("readPredictions() reads VLMEvalKit's own xlsx, tsv and json identically", async () => {
  const expected = [
    { index: "1", question: "What colour?", hint: "", A: "red", answer: "A", prediction: "=1+1" },
    {
      index: "2",
      question: "Count the dots",
      hint: "Look closely",
      A: "1",
      answer: "B",
      prediction: "line one\nline two\r\nand 中文",
    },
    {
      index: "3",
      question: "Read the sign",
      hint: "",
      A: "None",
      answer: "A",
      prediction: "https://example.com/sign",
    },
    {
      index: "4",
      question: "Which is bigger?",
      hint: "Compare sizes",
      A: "left",
      answer: "A",
      prediction: "_x0041_ and \u0001 control",
    },
  ];
  for (const ext of ["xlsx", "tsv", "json"]) {
    const table = await readPredictions(
      new URL(`./testdata/vlmevalkit_pred.${ext}`, import.meta.url).pathname,
    );
    assert.deepEqual(table.columns, ["index", "question", "hint", "A", "answer", "prediction"]);
    assert.deepEqual(table.rows, expected, ext);
  }
});
