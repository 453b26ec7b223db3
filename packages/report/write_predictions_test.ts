import assert from "node:assert/strict";
import ExcelJS from "exceljs";
import type { Row } from "@vlmeval/schema";
import { PRED_FORMATS, type PredFormat } from "./formats.ts";
import { readPredictions } from "./read_predictions.ts";
import { writePredictions } from "./write_predictions.ts";

const COLUMNS = ["index", "question", "prediction"];
const LONG_URL = "https://example.com/report?" + "q=1&".repeat(600);
const NASTY = [
  "tab\there",
  'say "hi" ""',
  "line\nbreak\r\nCRLF\rCR",
  "unicode 中文 é 🙂 \u200b",
  "=1+1",
  "+cmd|' /C calc'!A0",
  "-2",
  "@SUM(A1)",
  "'=x",
  "''=y",
  "\t=tab first",
  LONG_URL,
  "x".repeat(40_000),
  "&lt;b&gt; &amp; <i>",
  "_x0041_ stays literal",
  "ctrl \u0001 \u001b[31m red",
  "",
  "None",
  "NA",
  "  padded  ",
  "'",
];

function nastyRows(): Row[] {
  return NASTY.map((text, i) => ({
    index: String(i + 1),
    question: `q${i}: ${text}`,
    prediction: text,
  }));
}

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval_report_test_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function listDir(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  return names.sort();
}

for (const format of PRED_FORMATS) {
  Deno.test(`writePredictions() round-trips nasty text exactly as ${format}`, async () => {
    await withTempDir(async (dir) => {
      const path = `${dir}/M_D.${format}`;
      const rows = nastyRows();
      const report = await writePredictions(path, COLUMNS, rows);
      assert.equal(report.rows, rows.length);
      assert.equal(report.format, format);
      const back = await readPredictions(path);
      assert.deepEqual(back.columns, COLUMNS);
      assert.deepEqual(back.rows, rows);
      assert.deepEqual(back.warnings, []);
    });
  });
}

Deno.test("writePredictions() keeps column order and writes missing cells as empty text", async () => {
  await withTempDir(async (dir) => {
    for (const format of PRED_FORMATS) {
      const path = `${dir}/M_D.${format}`;
      await writePredictions(path, ["prediction", "index", "extra"], [{
        index: "7",
        prediction: "B",
        image: "x",
      }]);
      const back = await readPredictions(path);
      assert.deepEqual(back.columns, ["prediction", "index", "extra"], format);
      assert.deepEqual(back.rows, [{ prediction: "B", index: "7", extra: "" }], format);
    }
  });
});

Deno.test("writePredictions() takes an async iterable", async () => {
  await withTempDir(async (dir) => {
    async function* rows(): AsyncGenerator<Row> {
      for (let i = 0; i < 3; i++) {
        await Promise.resolve();
        yield { index: String(i), question: "q", prediction: String.fromCharCode(65 + i) };
      }
    }
    const report = await writePredictions(`${dir}/M_D.tsv`, COLUMNS, rows());
    assert.equal(report.rows, 3);
    assert.deepEqual((await readPredictions(`${dir}/M_D.tsv`)).rows.map((r) => r.prediction), [
      "A",
      "B",
      "C",
    ]);
  });
});

Deno.test("writePredictions() writes tsv as pandas QUOTE_ALL, neutralised", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/M_D.tsv`;
    await writePredictions(path, COLUMNS, [
      { index: "1", question: 'a "q"\tx', prediction: "=1+1" },
      { index: "2", question: "two\nlines", prediction: "-2" },
    ]);
    assert.equal(
      await Deno.readTextFile(path),
      '"index"\t"question"\t"prediction"\n' +
        '"1"\t"a ""q""\tx"\t"\'=1+1"\n' +
        '"2"\t"two\nlines"\t"-2"\n',
    );
  });
});

Deno.test("writePredictions() writes json like json.dump(indent=4, ensure_ascii=False)", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/M_D.json`;
    await writePredictions(path, ["index", "prediction"], [
      { index: "1", prediction: '=1+1 中文\n"q"' },
      { index: "2", prediction: "\u0001" },
    ]);
    assert.equal(
      await Deno.readTextFile(path),
      '[\n    {\n        "index": "1",\n        "prediction": "=1+1 中文\\n\\"q\\""\n    },\n' +
        '    {\n        "index": "2",\n        "prediction": "\\u0001"\n    }\n]',
    );
    await writePredictions(path, ["index"], []);
    assert.equal(await Deno.readTextFile(path), "[]");
  });
});

Deno.test("writePredictions() writes xlsx cells as strings holding the text as it is, never formulas or links", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/M_D.xlsx`;
    await writePredictions(path, COLUMNS, nastyRows());
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
    const sheet = workbook.worksheets[0];
    assert.equal(sheet.name, "Sheet1");
    const textTypes = [ExcelJS.ValueType.String, ExcelJS.ValueType.RichText];
    const cellText = (r: number, c: number) => sheet.getRow(r).getCell(c).text;
    for (let r = 1; r <= NASTY.length + 1; r++) {
      for (let c = 1; c <= COLUMNS.length; c++) {
        const type = sheet.getRow(r).getCell(c).type;
        if (cellText(r, c) === "") continue;
        assert.ok(textTypes.includes(type), `row ${r} column ${c} has type ${type}`);
      }
    }
    const sheetRowOf = (text: string) => NASTY.indexOf(text) + 2;
    // A string cell is never evaluated: the text is kept as it is, as pandas reads it back.
    for (const formula of ["=1+1", "+cmd|' /C calc'!A0", "@SUM(A1)", "'=x", "\t=tab first"]) {
      assert.equal(cellText(sheetRowOf(formula), 3), formula);
    }
    assert.equal(workbook.creator, "vlmeval", "the workbook says its cells are verbatim");
    assert.equal(cellText(sheetRowOf("-2"), 3), "-2");
    assert.equal(cellText(sheetRowOf(LONG_URL), 3), LONG_URL);
    assert.ok(LONG_URL.length > 2079);
  });
});

Deno.test("writePredictions() cuts a 40,000-character xlsx cell visibly and keeps the full text in <stem>.tsv", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/M_D.xlsx`;
    const long = "y".repeat(40_000);
    const report = await writePredictions(path, COLUMNS, [
      { index: "10", question: "short", prediction: "ok" },
      { index: "11", question: "short", prediction: long },
    ]);
    assert.equal(report.companionPath, `${dir}/M_D.tsv`);
    assert.deepEqual(report.truncated, [{
      row: 2,
      index: "11",
      column: "prediction",
      length: 40_000,
    }]);
    assert.equal(report.warnings.length, 1);
    assert.match(
      report.warnings[0],
      /^Row 2 \(index 11\), column "prediction" of .*M_D\.xlsx holds 40000 characters/,
    );
    assert.match(report.warnings[0], /M_D\.tsv$/);

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
    const cell = workbook.worksheets[0].getRow(3).getCell(3).text;
    assert.equal(cell.length, 32_767);
    assert.match(
      cell,
      /\[vlmeval: truncated to fit Excel's 32,767-character cell limit; full text of 40000 characters in M_D\.tsv\]$/,
    );

    const companion = await readPredictions(`${dir}/M_D.tsv`);
    assert.equal(companion.rows[1].prediction, long);
    const back = await readPredictions(path);
    assert.equal(back.rows[1].prediction, long);
    assert.deepEqual(back.warnings, []);
    assert.deepEqual(await listDir(dir), ["M_D.tsv", "M_D.xlsx"]);
  });
});

Deno.test("writePredictions() writes no companion when every xlsx cell fits", async () => {
  await withTempDir(async (dir) => {
    const report = await writePredictions(`${dir}/M_D.xlsx`, COLUMNS, [{
      index: "1",
      question: "q",
      prediction: "p",
    }]);
    assert.equal(report.companionPath, undefined);
    assert.deepEqual(report.warnings, []);
    assert.deepEqual(await listDir(dir), ["M_D.xlsx"]);
  });
});

function* failingRows(after: number): Generator<Row> {
  for (let i = 0; i < after; i++) {
    yield { index: String(i), question: "q".repeat(5_000), prediction: "x".repeat(40_000) };
  }
  throw new Error("FaultInjection: the model crashed");
}

for (const format of PRED_FORMATS) {
  Deno.test(`writePredictions() leaves no file and no temp file when rows fail midway (${format})`, async () => {
    await withTempDir(async (dir) => {
      const path = `${dir}/M_D.${format}`;
      await assert.rejects(
        () => writePredictions(path, COLUMNS, failingRows(200)),
        (error: unknown) => {
          assert.ok(error instanceof Error);
          assert.equal(
            error.message,
            `Cannot write predictions to ${path}: FaultInjection: the model crashed`,
          );
          assert.equal((error.cause as Error).message, "FaultInjection: the model crashed");
          return true;
        },
      );
      assert.deepEqual(await listDir(dir), []);
    });
  });
}

Deno.test("writePredictions() keeps the previous file intact when a rewrite fails", async () => {
  await withTempDir(async (dir) => {
    for (const format of PRED_FORMATS as PredFormat[]) {
      const path = `${dir}/M_D.${format}`;
      await writePredictions(path, COLUMNS, [{ index: "1", question: "q", prediction: "old" }]);
      const before = await Deno.readFile(path);
      await assert.rejects(() => writePredictions(path, COLUMNS, failingRows(3)), /FaultInjection/);
      assert.deepEqual(await Deno.readFile(path), before, format);
    }
    assert.deepEqual(await listDir(dir), ["M_D.json", "M_D.tsv", "M_D.xlsx"]);
  });
});

Deno.test("writePredictions() refuses bad columns and a format that contradicts the extension", async () => {
  await withTempDir(async (dir) => {
    await assert.rejects(() => writePredictions(`${dir}/a.tsv`, [], []), {
      name: "RangeError",
      message: "Cannot write predictions as the column list is empty",
    });
    await assert.rejects(
      () => writePredictions(`${dir}/a.tsv`, ["index", "index"], []),
      /column "index" is listed twice/,
    );
    await assert.rejects(
      () => writePredictions(`${dir}/a.xlsx`, ["index"], [], "json"),
      /Cannot write json predictions to .*a\.xlsx as its extension says xlsx/,
    );
    await assert.rejects(
      () => writePredictions(`${dir}/a.pkl`, ["index"], []),
      /extension must be one of/,
    );
    await writePredictions(`${dir}/a.predictions`, ["index"], [{ index: "1" }], "tsv");
    assert.deepEqual((await readPredictions(`${dir}/a.predictions`, "tsv")).rows, [{ index: "1" }]);
  });
});

Deno.test("writePredictions() names the file when its folder does not exist", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/missing/M_D.tsv`;
    await assert.rejects(
      () => writePredictions(path, COLUMNS, []),
      (error: unknown) => {
        assert.ok(error instanceof Error);
        assert.ok(error.message.startsWith(`Cannot write predictions to ${path}: `));
        assert.ok(error.cause instanceof Deno.errors.NotFound);
        return true;
      },
    );
  });
});

Deno.test("writePredictions() restores a long xlsx cell that starts with = from its companion", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/M_D.xlsx`;
    const long = "=" + "z".repeat(40_000);
    await writePredictions(path, COLUMNS, [{ index: "1", question: "q", prediction: long }]);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
    const cell = workbook.worksheets[0].getRow(2).getCell(3).text;
    assert.ok(cell.startsWith("=z"), "the xlsx cell holds the text as it is");
    assert.match(cell, /full text of 40001 characters in M_D\.tsv\]$/);
    // The companion is tab-separated text, which a spreadsheet evaluates: neutralised there.
    assert.match(await Deno.readTextFile(`${dir}/M_D.tsv`), /"'=zzz/);
    const back = await readPredictions(path);
    assert.deepEqual(back.warnings, []);
    assert.equal(back.rows[0].prediction, long);
  });
});

Deno.test("readPredictions() undoes the old formula guard only in xlsx files our earlier versions wrote", async () => {
  await withTempDir(async (dir) => {
    const write = async (path: string, creator: string | undefined, cells: string[][]) => {
      const workbook = new ExcelJS.Workbook();
      if (creator) workbook.creator = creator;
      const sheet = workbook.addWorksheet("Sheet1");
      for (const row of cells) sheet.addRow(row);
      await workbook.xlsx.writeFile(path);
    };
    // What vlmeval wrote before: exceljs' streaming writer and its default creator (ExcelJS),
    // a leading ' on formula-like text; read by the streaming reader and, for any workbook
    // exceljs made, by the full reader.
    const oldCells = [["index", "prediction"], ["1", "'=1+1"], ["2", "''=x"], ["3", "'-A"]];
    const old = `${dir}/old.xlsx`;
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({
      filename: old,
      useSharedStrings: false,
      useStyles: false,
    });
    const oldSheet = writer.addWorksheet("Sheet1");
    for (const row of oldCells) {
      oldSheet.addRow(row.map((text) => ({ richText: [{ text }] }))).commit();
    }
    oldSheet.commit();
    await writer.commit();
    const oldByExceljs = `${dir}/old_full.xlsx`;
    await write(oldByExceljs, "ExcelJS", oldCells);
    for (const path of [old, oldByExceljs]) {
      assert.deepEqual((await readPredictions(path)).rows.map((r) => r.prediction), [
        "=1+1",
        "'=x",
        "-A",
      ]);
    }
    // VLMEvalKit's (pandas through openpyxl): a cell starting with ' is that text.
    const theirs = `${dir}/theirs.xlsx`;
    await write(theirs, "openpyxl", [["index", "prediction"], ["1", "'=1+1"], ["2", "=x"]]);
    assert.deepEqual((await readPredictions(theirs)).rows.map((r) => r.prediction), [
      "'=1+1",
      "=x",
    ]);
    // Ours now: what was written is what is read, through the streaming reader too.
    const ours = `${dir}/ours.xlsx`;
    await writePredictions(ours, ["index", "prediction"], [
      { index: "1", prediction: "'=1+1" },
      { index: "2", prediction: "=x" },
    ]);
    assert.deepEqual((await readPredictions(ours)).rows.map((r) => r.prediction), [
      "'=1+1",
      "=x",
    ]);
  });
});

Deno.test("writePredictions() reads back every row of an xlsx sheet deflated in many chunks", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval_report_chunks_" });
  try {
    const path = `${dir}/M_D.xlsx`;
    // About 1 MB of sheet: its chunks (64 KiB, from one reused buffer) go through one deflate
    // stream, each compressed before the buffer is written again.
    const rows = Array.from({ length: 4000 }, (_, i) => ({
      index: String(i),
      prediction: `row ${i}: ` + "abcdefghijklmnopqrstuvwxyz".repeat(1 + (i % 7)) + ` ${i * 7919}`,
    }));
    await writePredictions(path, ["index", "prediction"], rows);
    const back = await readPredictions(path);
    assert.deepEqual(back.rows, rows);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
