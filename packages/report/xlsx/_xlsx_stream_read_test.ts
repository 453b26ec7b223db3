import assert from "node:assert/strict";
import { crc32 } from "node:zlib";
import ExcelJS from "exceljs";
import type { Row } from "@vlmeval/schema";
import { entryBytes, readZipDirectory } from "./_zip_entries.ts";
import { readXlsxWithExcelJS } from "./_xlsx_read.ts";
import { SheetScanner } from "./_xlsx_sheet_scanner.ts";
import { readOwnXlsx } from "./_xlsx_stream_read.ts";
import { restoreCutCells } from "./_xlsx_table.ts";
import { MalformedFileError } from "../malformed_file_error.ts";
import { readPredictions } from "../read_predictions.ts";
import { writePredictions } from "../write_predictions.ts";

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval_xlsx_stream_test_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** A small deterministic generator (mulberry32), so that a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Text that an xlsx cell, an XML parser or our neutralisation could get wrong. */
const FRAGMENTS = [
  "plain words",
  " ",
  "  leading",
  "trailing  ",
  "\t",
  "\n",
  "\r",
  "\r\n",
  "\n\r",
  "\x00",
  "\x01",
  "\x08",
  "\x0B",
  "\x0C",
  "\x1B[31m",
  "\x1F",
  "\x7F",
  "\x85",
  "\uFFFE",
  "\uFFFF",
  "\uFEFF",
  "\u2028",
  "\uD800",
  "\uDBFF",
  "\uDC00",
  "\uDFFF",
  "\uDFFF\uD800",
  "😀",
  "👩‍👩‍👧",
  "𝔘𝔫𝔦",
  "_x0041_",
  "_x005F_",
  "_x000D_",
  "_x00e9_",
  "_xD83D_",
  "_x41_",
  "__x0041__",
  "_X0041_",
  "_x",
  "_",
  "x_",
  "&",
  "<",
  ">",
  '"',
  "'",
  "&amp;",
  "&lt;b&gt;",
  "&#13;",
  "&nbsp;",
  "]]>",
  "<![CDATA[x]]>",
  "<!-- c -->",
  "</t></r></is></c>",
  "</row>",
  '<row r="1">',
  "=1+1",
  "+cmd",
  "-2",
  "-x",
  "@SUM(A1)",
  "'=x",
  "''+y",
  "مرحبا بالعالم",
  "שלום עולם",
  "\u200F",
  "\u202E",
  "\u2066",
  "中文",
  "é",
  "e\u0301",
  "None",
  "NaN",
  "0",
  "1.50",
];
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const LEADS = ["=", "+", "-", "@", "\t", "\r", "'", "'=", "-1", ""];
const COLUMNS = ["index", "question", "hint", "prediction", "=odd name", "_x0041_", "empty"];

function trickyText(next: () => number, parts: number): string {
  let text = next() < 0.3 ? LEADS[Math.floor(next() * LEADS.length)] : "";
  for (let i = 0; i < parts; i++) text += FRAGMENTS[Math.floor(next() * FRAGMENTS.length)];
  return text;
}

/** `count` rows of tricky text; a few hold cells over Excel's limit (cut, with a companion). */
function trickyRows(count: number, seed: number): Row[] {
  const next = random(seed);
  const rows: Row[] = [];
  for (let i = 0; i < count; i++) {
    const row: Row = { index: String(i + 1) };
    for (const column of COLUMNS.slice(1)) {
      row[column] = column === "empty" || next() < 0.15 ? "" : trickyText(next, 1 + next() * 6);
    }
    if (i % 500 === 7) {
      // Long text the companion can complete: no lone surrogate (UTF-8 cannot hold one).
      let long = "Long: ";
      while (long.length < 33_000 + i) long += trickyText(next, 8).replace(LONE_SURROGATE, "?");
      row.prediction = long;
    }
    if (i === 11) row.hint = "h".repeat(32_767); // exactly at the limit: kept whole
    if (i === 12) row.hint = "😀".repeat(16_384); // 32,768 code units, cut between pairs
    rows.push(row);
  }
  return rows;
}

Deno.test("readOwnXlsx() reads 3000 rows of tricky text exactly as exceljs does", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/M_D.xlsx`;
    const rows = trickyRows(3000, 1);
    const report = await writePredictions(path, COLUMNS, rows);
    assert.ok(report.truncated.length >= 7, `${report.truncated.length} cells were cut`);
    const streamed = await readOwnXlsx(path, (reason) => assert.fail(`fell back: ${reason}`));
    assert.ok(streamed !== undefined);
    const excel = await readXlsxWithExcelJS(path);
    assert.deepEqual(streamed, excel);
    assert.equal(streamed.rows.length, 3000);
    // And through the public reader: the companion completes the cut cells, nothing is lost.
    const table = await readPredictions(path);
    assert.deepEqual({ table }, await excelOutcome(path));
    assert.deepEqual(table.columns, COLUMNS);
    assert.deepEqual(table.warnings, []);
    assert.deepEqual(table.rows, rows);
    // Without the companion both paths keep the cut text with the same warnings.
    await Deno.remove(`${dir}/M_D.tsv`);
    const alone = await readPredictions(path);
    const expected = await readXlsxWithExcelJS(path);
    const warnings = await restoreCutCells(path, expected.rows, expected.cut);
    assert.deepEqual(alone, { columns: expected.columns, rows: expected.rows, warnings });
    assert.equal(alone.warnings.length, report.truncated.length);
  });
});

/** The decompressed parts of a zip file, by name. */
async function zipParts(path: string): Promise<Map<string, Uint8Array>> {
  using file = await Deno.open(path);
  const entries = await readZipDirectory(file, (await file.stat()).size);
  const parts = new Map<string, Uint8Array>();
  for (const entry of entries.values()) {
    parts.set(entry.name, await entryBytes(file, entry, 1 << 30));
  }
  return parts;
}

async function deflate(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new CompressionStream("deflate-raw"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * A zip archive of `parts`, stored or deflated; `crcOf` may lie about an entry's CRC-32 to
 * make a damaged file.
 */
async function makeZip(
  parts: Map<string, Uint8Array>,
  method: 0 | 8,
  crcOf: (name: string, data: Uint8Array) => number = (_, data) => crc32(data),
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const [name, data] of parts) {
    const nameBytes = new TextEncoder().encode(name);
    const body = method === 8 ? await deflate(data) : data;
    const crc = crcOf(name, data);
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 20, true);
    local.setUint16(8, method, true);
    local.setUint32(14, crc, true);
    local.setUint32(18, body.length, true);
    local.setUint32(22, data.length, true);
    local.setUint16(26, nameBytes.length, true);
    const entry = new DataView(new ArrayBuffer(46));
    entry.setUint32(0, 0x02014b50, true);
    entry.setUint16(4, 20, true);
    entry.setUint16(6, 20, true);
    entry.setUint16(10, method, true);
    entry.setUint32(16, crc, true);
    entry.setUint32(20, body.length, true);
    entry.setUint32(24, data.length, true);
    entry.setUint16(28, nameBytes.length, true);
    entry.setUint32(42, offset, true);
    chunks.push(new Uint8Array(local.buffer), nameBytes, body);
    central.push(new Uint8Array(entry.buffer), nameBytes);
    offset += 30 + nameBytes.length + body.length;
  }
  const centralSize = central.reduce((sum, chunk) => sum + chunk.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, parts.size, true);
  end.setUint16(10, parts.size, true);
  end.setUint32(12, centralSize, true);
  end.setUint32(16, offset, true);
  const all = [...chunks, ...central, new Uint8Array(end.buffer)];
  const zip = new Uint8Array(all.reduce((sum, chunk) => sum + chunk.length, 0));
  let at = 0;
  for (const chunk of all) {
    zip.set(chunk, at);
    at += chunk.length;
  }
  return zip;
}

type Outcome = { table: unknown } | { error: string };

async function outcome(read: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { table: await read() };
  } catch (error) {
    assert.ok(error instanceof MalformedFileError, String(error));
    return { error: error.message };
  }
}

/** What readPredictions() gave before the stream reader existed: exceljs all the way. */
function excelOutcome(path: string): Promise<Outcome> {
  return outcome(async () => {
    const { columns, rows, cut } = await readXlsxWithExcelJS(path);
    return { columns, rows, warnings: await restoreCutCells(path, rows, cut) };
  });
}

/** Checks that readPredictions() falls back for `path` and so behaves as it always did. */
async function assertFallsBack(path: string, label: string): Promise<Outcome> {
  assert.equal(await readOwnXlsx(path), undefined, `${label}: the stream reader took it`);
  const expected = await excelOutcome(path);
  assert.deepEqual(await outcome(() => readPredictions(path)), expected, label);
  return expected;
}

const SHEET = "xl/worksheets/sheet1.xml";

/** The parts of a small file of ours, and its sheet XML split around the rows. */
async function ourParts(dir: string) {
  const path = `${dir}/template.xlsx`;
  await writePredictions(path, ["index", "prediction"], [{ index: "1", prediction: "x" }]);
  const parts = await zipParts(path);
  const sheet = new TextDecoder().decode(parts.get(SHEET));
  const open = sheet.indexOf("<sheetData>") + "<sheetData>".length;
  const close = sheet.indexOf("</sheetData>");
  return { parts, prolog: sheet.slice(0, open), tail: sheet.slice(close) };
}

function cell(reference: string, text: string): string {
  return `<c r="${reference}" t="inlineStr"><is><r><t>${text}</t></r></is></c>`;
}

const HEADER = `<row r="1">${cell("A1", "index")}${cell("B1", "prediction")}</row>`;

/** Crafted sheets that exceljs' streaming writer never makes, but which are read the same. */
const ACCEPTED: Record<string, string> = {
  "a plain <t> keeps its escapes": `<row r="2">${cell("A2", "1")}` +
    `<c r="B2" t="inlineStr"><is><t xml:space="preserve">A_x0041_ &amp; b </t></is></c></row>`,
  "runs are decoded one by one": `<row r="2">${cell("A2", "1")}` +
    '<c r="B2" t="inlineStr"><is><r><t>a_x00</t></r><r><t>41_</t></r>' +
    "<r><t>_x0042_</t></r></is></c></row>",
  "only upper-case escapes are decoded": `<row r="2">${cell("A2", "1")}` +
    cell("B2", "_x00e9_ _x41_ _X0041_ _x0041_ _x005f_ _xD83D__xDE00_") + "</row>",
  "line ends and character references": `<row r="2">${cell("A2", "1")}` +
    cell("B2", "a\r\nb\rc&#13;d&#x1F600;&#65;&#x0A;&#xD;\n") + "</row>",
  "empty cells, skipped rows, spaces between tags": `<row r="2">\n  ${cell("A2", "1")}\n  ` +
    '<c r="B2"/>\n</row>\n<row r="4" spans="1:2" ht="20" customHeight="1">' +
    "<c r=\"A4\" t=\"inlineStr\"></c><c r='B4' t='inlineStr'>\n<is>\n<r>\n<t/>\n</r>\n</is>\n" +
    '</c></row><row r="5"><c r="B5" t="inlineStr"><is/></c>' +
    '<c r="C5" t="inlineStr"><is><r><t></t></r></is></c></row><row r="7"/>',
  "sparse rows": `<row r="1">${cell("A1", "index")}${cell("B1", "p")}${cell("C1", "'=late")}` +
    `</row><row r="2">${cell("C2", "'@x")}</row><row r="3">${cell("B3", "b")}</row>`,
};

/** Crafted sheets the stream reader must leave to exceljs. */
const FALLBACKS: Record<string, string> = {
  "a shared string": `<row r="2"><c r="A2" t="s"><v>0</v></c></row>`,
  "a formula": `<row r="2"><c r="A2" t="str"><f>1+1</f><v>2</v></c></row>`,
  "a styled cell": `<row r="2"><c r="A2" s="1" t="inlineStr"><is><r><t>1</t></r></is></c></row>`,
  "a CDATA section": `<row r="2">${cell("A2", "<![CDATA[x]]>")}</row>`,
  "a comment": `<row r="2"><!-- note -->${cell("A2", "1")}</row>`,
  "an unknown entity": `<row r="2">${cell("A2", "&nbsp;")}</row>`,
  "a raw control character": `<row r="2">${cell("A2", "a\x01b")}</row>`,
  "]]> in text": `<row r="2">${cell("A2", "a]]>b")}</row>`,
  "a reference to a forbidden character": `<row r="2">${cell("A2", "&#1;")}</row>`,
  "a font in a run": `<row r="2"><c r="A2" t="inlineStr"><is><r><rPr><b/></rPr><t>1</t></r>` +
    "</is></c></row>",
  "an attribute XML does not allow": `<row r="2" 9a="x">${cell("A2", "a")}</row>`,
  "a control character in an attribute": `<row r="2" a="\x01">${cell("A2", "a")}</row>`,
  "cells out of order": `<row r="2">${cell("B2", "b")}${cell("A2", "a")}</row>`,
  "a cell of another row": `<row r="2">${cell("A3", "a")}</row>`,
  "a repeated row": `<row r="2">${cell("A2", "a")}</row><row r="2">${cell("A2", "b")}</row>`,
  "merged cells": `<row r="2">${cell("A2", "a")}</row></sheetData><mergeCells count="1">` +
    '<mergeCell ref="A2:B2"/></mergeCells><sheetData>',
};

async function writeCrafted(
  dir: string,
  name: string,
  rows: string,
  { header = HEADER, method = 8 as 0 | 8 } = {},
): Promise<string> {
  const { parts, prolog, tail } = await ourParts(dir);
  const xml = prolog + header + rows + tail;
  // Rows that close <sheetData> themselves put markup after it (merged cells).
  const sheet = xml.replace("<sheetData></sheetData>", "");
  parts.set(SHEET, new TextEncoder().encode(sheet));
  const path = `${dir}/${name.replace(/\W+/g, "_")}.xlsx`;
  await Deno.writeFile(path, await makeZip(parts, method));
  return path;
}

Deno.test("readOwnXlsx() reads unusual but plain inline-string sheets as exceljs does", async () => {
  await withTempDir(async (dir) => {
    for (const [name, rows] of Object.entries(ACCEPTED)) {
      const header = rows.startsWith('<row r="1">') ? "" : HEADER;
      for (const method of [0, 8] as const) {
        const path = await writeCrafted(dir, name, rows, { header, method });
        const streamed = await readOwnXlsx(path, (why) => assert.fail(`${name}: ${why}`));
        assert.ok(streamed !== undefined);
        assert.deepEqual(streamed, await readXlsxWithExcelJS(path), name);
      }
    }
    const path = await writeCrafted(dir, "plain", ACCEPTED["a plain <t> keeps its escapes"]);
    assert.equal((await readPredictions(path)).rows[0].prediction, "A_x0041_ & b ");
  });
});

Deno.test("readOwnXlsx() reads number and boolean cells as exceljs does, as Python's str()", async () => {
  await withTempDir(async (dir) => {
    const path = await writeCrafted(
      dir,
      "typed",
      `<row r="2"><c r="A2"><v>7</v></c><c r="B2"><v>0.00001</v></c></row>` +
        `<row r="3"><c r="A3" t="b"><v>1</v></c><c r="B3"><v>10000000000000000</v></c></row>`,
    );
    const ours = await readOwnXlsx(path);
    assert.ok(ours !== undefined, "the stream reader takes number and boolean cells");
    assert.deepEqual(ours.rows, [
      { index: "7", prediction: "1e-05" },
      { index: "True", prediction: "1e+16" },
    ]);
    assert.deepEqual(ours, await readXlsxWithExcelJS(path));
  });
});

Deno.test("readPredictions() leaves other cell kinds and markup to exceljs", async () => {
  await withTempDir(async (dir) => {
    for (const [name, rows] of Object.entries(FALLBACKS)) {
      await assertFallsBack(await writeCrafted(dir, name, rows), name);
    }
  });
});

Deno.test("readPredictions() reports a table of ours that is wrong without loading it twice", async () => {
  await withTempDir(async (dir) => {
    const beyond = await writeCrafted(
      dir,
      "beyond",
      `<row r="2">${cell("A2", "a")}${cell("C2", "stray")}</row>`,
    );
    const unnamed = await writeCrafted(dir, "unnamed", "", {
      header: `<row r="1">${cell("A1", "index")}${cell("C1", "prediction")}</row>`,
    });
    for (
      const [path, why] of [
        [beyond, /has a value in column C, beyond/],
        [unnamed, /header column 2 has no name/],
      ] as const
    ) {
      // The stream reader says it at once, as exceljs (which builds the same table) would.
      const expected = await excelOutcome(path);
      assert.match("error" in expected ? expected.error : "", why);
      assert.deepEqual(await outcome(() => readOwnXlsx(path)), expected);
      assert.deepEqual(await outcome(() => readPredictions(path)), expected);
    }
  });
});

Deno.test("readPredictions() falls back for workbooks others wrote", async () => {
  await withTempDir(async (dir) => {
    // VLMEvalKit's (pandas through xlsxwriter): shared strings, numbers, empty cells.
    const fixture = new URL("../testdata/vlmevalkit_pred.xlsx", import.meta.url).pathname;
    const vlmevalkit = await assertFallsBack(fixture, "VLMEvalKit's xlsx");
    assert.ok("table" in vlmevalkit);
    // exceljs' own in-memory writer (openpyxl-like: shared strings, styles), and two sheets.
    const shared = `${dir}/shared.xlsx`;
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet("Sheet1").addRows([["index", "prediction"], ["1", "A"], [2, true]]);
    await workbook.xlsx.writeFile(shared);
    assert.deepEqual(await assertFallsBack(shared, "shared strings"), {
      table: {
        columns: ["index", "prediction"],
        rows: [{ index: "1", prediction: "A" }, { index: "2", prediction: "True" }],
        warnings: [],
      },
    });
    const twoSheets = `${dir}/two.xlsx`;
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({
      filename: twoSheets,
      useSharedStrings: false,
      useStyles: false,
    });
    for (const name of ["Sheet1", "Sheet2"]) {
      const sheet = writer.addWorksheet(name);
      sheet.addRow([{ richText: [{ text: "index" }] }]).commit();
      sheet.commit();
    }
    await writer.commit();
    await assertFallsBack(twoSheets, "two sheets");
  });
});

Deno.test("readPredictions() names the file for a truncated or damaged xlsx of ours", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/M_D.xlsx`;
    await writePredictions(path, COLUMNS, trickyRows(400, 2));
    const whole = await Deno.readFile(path);
    const broken = `${dir}/broken.xlsx`;
    for (const length of [0, 10, 100, whole.length >> 1, whole.length - 30, whole.length - 1]) {
      await Deno.writeFile(broken, whole.subarray(0, length));
      const result = await assertFallsBack(broken, `cut to ${length} bytes`);
      assert.ok("error" in result, `cut to ${length} bytes: read`);
      assert.ok(result.error.includes(broken), result.error);
    }
    // Bytes changed inside the sheet's compressed data: the stream reader never answers.
    const { entries } = await (async () => {
      using file = await Deno.open(path);
      return { entries: await readZipDirectory(file, whole.length) };
    })();
    const sheet = entries.get(SHEET)!;
    for (const at of [0.1, 0.5, 0.9]) {
      const damaged = whole.slice();
      const offset = sheet.localHeaderOffset + 30 + SHEET.length +
        Math.floor(sheet.compressedSize * at);
      damaged[offset] ^= 0x55;
      damaged[offset + 1] ^= 0xaa;
      await Deno.writeFile(broken, damaged);
      await assertFallsBack(broken, `damaged at ${at}`);
    }
  });
});

Deno.test("readPredictions() falls back when a file of ours turns odd far into the sheet", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/M_D.xlsx`;
    await writePredictions(path, ["index", "prediction"], trickyRows(3000, 3));
    const parts = await zipParts(path);
    const xml = new TextDecoder().decode(parts.get(SHEET));
    // A formula in row 2,900 (long after the first chunks were read).
    const at = xml.indexOf('<c r="B2900"');
    const odd = xml.slice(0, at) + '<c r="B2900" t="str"><f>1+1</f><v>7</v></c>' +
      xml.slice(xml.indexOf("</c>", at) + 4);
    parts.set(SHEET, new TextEncoder().encode(odd));
    const numbered = `${dir}/numbered.xlsx`;
    await Deno.writeFile(numbered, await makeZip(parts, 8));
    const result = await assertFallsBack(numbered, "a formula in row 2,900");
    assert.ok("table" in result);
    const rows = (result.table as { rows: Row[] }).rows;
    assert.equal(rows.length, 3000);
    assert.equal(rows[2898].prediction, "7");
    // Text changed after writing, the CRC-32 left as it was: only the end of the data tells.
    const changed = xml.replace(
      /(<c r="B2950" t="inlineStr"><is><r><t[^>]*>)/,
      "$1changed ",
    );
    parts.set(SHEET, new TextEncoder().encode(changed));
    const crc = crc32(new TextEncoder().encode(xml));
    const mismatch = `${dir}/mismatch.xlsx`;
    await Deno.writeFile(
      mismatch,
      await makeZip(parts, 0, (name, data) => name === SHEET ? crc : crc32(data)),
    );
    const read = await assertFallsBack(mismatch, "a CRC-32 mismatch");
    assert.ok("table" in read);
    assert.match((read.table as { rows: Row[] }).rows[2948].prediction, /^changed /);
  });
});

Deno.test("SheetScanner reads the same rows whatever the chunk boundaries", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/M_D.xlsx`;
    const rows = trickyRows(120, 4);
    rows[5].prediction = "é😀".repeat(12_000); // multi-byte text cut at the limit
    await writePredictions(path, COLUMNS, rows);
    const xml = (await zipParts(path)).get(SHEET)!;
    const scan = (sizes: () => number) => {
      const seen: [number, string[]][] = [];
      const scanner = new SheetScanner((row, cells) => seen.push([row, cells]));
      for (let at = 0; at < xml.length;) {
        const size = Math.max(1, sizes());
        scanner.push(xml.subarray(at, at + size));
        at += size;
      }
      scanner.finish();
      return seen;
    };
    const whole = scan(() => xml.length);
    assert.equal(whole.length, 121);
    const next = random(5);
    for (const sizes of [() => 1, () => 2, () => 7, () => 4096, () => next() * 300]) {
      assert.deepEqual(scan(sizes), whole);
    }
    assert.throws(() => {
      const scanner = new SheetScanner(() => {});
      scanner.push(xml.subarray(0, xml.length - 20));
      scanner.finish();
    }, /worksheet is not closed/);
  });
});
