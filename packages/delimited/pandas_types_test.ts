import assert from "node:assert/strict";
import { join } from "node:path";
import { pythonFloatRepr } from "./_pandas_numbers.ts";
import { parseDelimited } from "./parse_text.ts";
import {
  PANDAS_NA_VALUES,
  pandasChunkRows,
  PandasTypeInference,
  readPandasTable,
} from "./pandas_types.ts";
import { readDelimitedRecords } from "./read_records.ts";

const FIXTURES = new URL("./testdata/pandas/", import.meta.url);

/** What pandas made of a fixture table (written by scripts/pandas_fixtures.py). */
interface Frame {
  columns: string[];
  dtypes: string[];
  cells: string[][];
  missing: boolean[][];
}

function fixture<T>(name: string): T {
  return JSON.parse(Deno.readTextFileSync(new URL(name, FIXTURES)));
}

const manifest = fixture<{ tables: string[]; versions: Record<string, string> }>("expected.json");

/** Column-major texts and missing flags, for comparing with a {@linkcode Frame}. */
function columnsOf(cells: { text: string; missing: boolean }[][], width: number) {
  return {
    cells: Array.from({ length: width }, (_, c) => cells.map((row) => row[c].text)),
    missing: Array.from({ length: width }, (_, c) => cells.map((row) => row[c].missing)),
  };
}

Deno.test("readPandasTable() reads every fixture table as pandas 2.3.3 does, byte for byte", () => {
  assert.equal(manifest.versions.pandas, "2.3.3");
  assert.ok(manifest.tables.length >= 12);
  for (const name of manifest.tables) {
    const text = Deno.readTextFileSync(new URL(`${name}.tsv`, FIXTURES));
    const expected = fixture<Frame>(`${name}.frame.json`);
    const [header, ...records] = [...parseDelimited(text)].map((record) => record.fields);
    assert.deepEqual(header, expected.columns, name);
    const { types, cells } = readPandasTable(header.length, records);
    assert.deepEqual(types.dtypes, expected.dtypes, `${name}: dtypes`);
    const got = columnsOf(cells, header.length);
    for (const [c, column] of header.entries()) {
      assert.deepEqual(got.cells[c], expected.cells[c], `${name}: column ${column}`);
      assert.deepEqual(got.missing[c], expected.missing[c], `${name}: missing in ${column}`);
    }
  }
});

Deno.test("PandasTypeInference types streamed byte records like text records", async () => {
  const path = new URL("fuzz.tsv", FIXTURES);
  const expected = fixture<Frame>("fuzz.frame.json");
  using file = await Deno.open(path);
  const records: Uint8Array[][] = [];
  let inference: PandasTypeInference | undefined;
  for await (const record of readDelimitedRecords(file)) {
    const fields = record.fields.map((field) => field.slice());
    if (inference === undefined) {
      inference = new PandasTypeInference(fields.length);
      continue;
    }
    inference.add(fields);
    records.push(fields);
  }
  const types = inference!.finish();
  assert.deepEqual(types.dtypes, expected.dtypes);
  assert.equal(types.rows, records.length);
  for (let c = 0; c < expected.columns.length; c++) {
    const texts = records.map((fields, row) => types.cell(c, row, fields[c]).text);
    assert.deepEqual(texts, expected.cells[c], expected.columns[c]);
    const bare = records.map((fields, row) => types.text(c, row, fields[c]));
    assert.deepEqual(bare, expected.cells[c], `${expected.columns[c]}, text()`);
  }
});

Deno.test("PandasTypeInference types a long table per block of rows, as pandas' low_memory reader", async () => {
  const { spec, expected } = fixture<{
    spec: { width: number; filler: string; columns: Record<string, string[]> };
    expected: Frame;
  }>("chunked.json");
  assert.equal(pandasChunkRows(spec.width), 8);
  const names = Object.keys(spec.columns);
  const rows = spec.columns[names[0]].length;
  const filler = Array(spec.width - names.length).fill(spec.filler).join("\t");
  const header = [
    ...names,
    ...Array.from({ length: spec.width - names.length }, (_, i) => `f${i}`),
  ];
  let text = header.join("\t") + "\n";
  for (let r = 0; r < rows; r++) {
    text += names.map((n) => spec.columns[n][r]).join("\t") + "\t" + filler + "\n";
  }
  const dir = await Deno.makeTempDir({ prefix: "vlmeval_pandas_" });
  try {
    const path = join(dir, "wide.tsv");
    await Deno.writeTextFile(path, text);
    using file = await Deno.open(path);
    let inference: PandasTypeInference | undefined;
    const kept: Uint8Array[][] = [];
    for await (const record of readDelimitedRecords(file)) {
      if (inference === undefined) {
        inference = new PandasTypeInference(record.fields.length);
        continue;
      }
      inference.add(record.fields);
      kept.push(record.fields.slice(0, names.length).map((f) => f.slice()));
    }
    const types = inference!.finish();
    assert.deepEqual(types.dtypes.slice(0, names.length), expected.dtypes);
    for (const [c, name] of names.entries()) {
      const texts = kept.map((fields, row) => types.cell(c, row, fields[c]).text);
      assert.deepEqual(texts, expected.cells[c], name);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("PANDAS_NA_VALUES is pandas 2.x's default na_values list", () => {
  assert.deepEqual(
    [...PANDAS_NA_VALUES].sort(),
    [
      "",
      "#N/A",
      "#N/A N/A",
      "#NA",
      "-1.#IND",
      "-1.#QNAN",
      "-NaN",
      "-nan",
      "1.#IND",
      "1.#QNAN",
      "<NA>",
      "N/A",
      "NA",
      "NULL",
      "NaN",
      "None",
      "n/a",
      "nan",
      "null",
    ].sort(),
  );
});

Deno.test("readPandasTable() follows pandas' integer, float and boolean rules", () => {
  const cases: [string[], string, string[]][] = [
    [["1", "2"], "int64", ["1", "2"]],
    [["1", ""], "float64", ["1.0", "nan"]],
    [["0.50", "000", "20"], "float64", ["0.5", "0.0", "20.0"]],
    [["True", "false"], "bool", ["True", "False"]],
    [["True", "NA"], "object", ["True", "nan"]],
    [["True", "1"], "object", ["True", "1"]],
    [[" 7", "+8 ", "-0"], "int64", ["7", "8", "0"]],
    [["1_000", "2"], "object", ["1_000", "2"]],
    [["9223372036854775808", "1"], "uint64", ["9223372036854775808", "1"]],
    [["9223372036854775808", ""], "object", ["9223372036854775808", ""]],
    [["18446744073709551616", "NA"], "object", ["18446744073709551616", "nan"]],
    [["0.30000000000000004", "1e16"], "float64", ["0.3", "1e+16"]],
    [["1e400", "1"], "object", ["1e400", "1"]],
    [["Infinity", "-INF", "1"], "float64", ["inf", "-inf", "1.0"]],
    [[" inf", "1"], "object", [" inf", "1"]],
    [["", "NULL"], "float64", ["nan", "nan"]],
  ];
  for (const [cells, dtype, texts] of cases) {
    const { types, cells: read } = readPandasTable(1, cells.map((cell) => [cell]));
    assert.equal(types.dtypes[0], dtype, JSON.stringify(cells));
    assert.deepEqual(read.map(([cell]) => cell.text), texts, JSON.stringify(cells));
  }
});

Deno.test("pythonFloatRepr() prints floats as Python's repr()", () => {
  const cases: [number, string][] = [
    [20, "20.0"],
    [0.5, "0.5"],
    [1e-5, "1e-05"],
    [1e-4, "0.0001"],
    [1e16, "1e+16"],
    [1234567890123456, "1234567890123456.0"],
    [-0, "-0.0"],
    [NaN, "nan"],
    [-Infinity, "-inf"],
    [1.7976931348623157e308, "1.7976931348623157e+308"],
    [5e-324, "5e-324"],
    [-1.5e-7, "-1.5e-07"],
    [123.456, "123.456"],
  ];
  for (const [value, text] of cases) assert.equal(pythonFloatRepr(value), text, String(value));
});

Deno.test("PandasColumnTypes.cell() and text() refuse a cell outside the table", () => {
  const { types } = readPandasTable(2, [["1", "x"]]);
  assert.throws(() => types.cell(2, 0, "1"), {
    name: "RangeError",
    message:
      "Cannot render a cell as it must lie in 1 rows and 2 columns: current value is row 0, column 2",
  });
  assert.throws(() => types.cell(0, 1, "1"), RangeError);
  assert.throws(() => types.text(2, 0, "1"), RangeError);
  assert.throws(() => types.text(0, 1, "1"), RangeError);
  assert.throws(() => new PandasTypeInference(0), RangeError);
});

Deno.test("PandasColumnTypes.text() gives cell().text for integers given as text, canonical or not", () => {
  const records = [["7", "x"], ["007", "y"], ["-0", "z"], ["+5", "nan"], [" 12 ", "NA"], [
    "-3",
    "",
  ]];
  const { types } = readPandasTable(2, records);
  assert.deepEqual(types.dtypes, ["int64", "object"]);
  records.forEach((fields, row) => {
    for (let c = 0; c < 2; c++) {
      assert.equal(types.text(c, row, fields[c]), types.cell(c, row, fields[c]).text, fields[c]);
    }
  });
  assert.deepEqual(records.map((fields, row) => types.text(0, row, fields[0])), [
    "7",
    "7",
    "0",
    "5",
    "12",
    "-3",
  ]);
});
