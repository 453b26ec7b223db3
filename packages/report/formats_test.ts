import assert from "node:assert/strict";
import {
  predictionColumns,
  predictionFileName,
  predictionFormat,
  predictionFormatOf,
  scoreFileName,
  scoreFileStem,
  scoreFormat,
  scoreFormatOf,
} from "./formats.ts";

Deno.test("predictionFormat() defaults to xlsx and accepts the three formats", () => {
  assert.equal(predictionFormat(), "xlsx");
  assert.equal(predictionFormat(""), "xlsx");
  assert.equal(predictionFormat("tsv"), "tsv");
  assert.equal(predictionFormat(" JSON "), "json");
});

Deno.test("predictionFormat() rejects other values and lists the valid ones", () => {
  assert.throws(() => predictionFormat("csv"), {
    name: "RangeError",
    message:
      'Cannot choose the prediction format as it must be one of xlsx, tsv, json: current value is "csv"',
  });
});

Deno.test("scoreFormat() defaults to csv and rejects xlsx", () => {
  assert.equal(scoreFormat(undefined), "csv");
  assert.equal(scoreFormat("json"), "json");
  assert.throws(() => scoreFormat("xlsx"), /must be one of csv, json: current value is "xlsx"/);
});

Deno.test("predictionFormatOf() and scoreFormatOf() read the extension", () => {
  assert.equal(predictionFormatOf("/w/M/M_D.XLSX"), "xlsx");
  assert.equal(predictionFormatOf("a.b/M_D.tsv"), "tsv");
  assert.throws(() => predictionFormatOf("/w/M_D.pkl"), /current value is "pkl"/);
  assert.throws(() => predictionFormatOf("/w.tsv/noext"), /current value is ""/);
  assert.equal(scoreFormatOf("M_D_acc.csv"), "csv");
  assert.throws(() => scoreFormatOf("M_D_acc.xlsx"), RangeError);
});

Deno.test("file name helpers follow VLMEvalKit's <model>_<dataset> stem", () => {
  assert.equal(scoreFileStem("Qwen2-VL", "MMBench_DEV_EN"), "Qwen2-VL_MMBench_DEV_EN");
  assert.equal(predictionFileName("M", "D", "tsv"), "M_D.tsv");
  assert.equal(scoreFileName("M", "D", "acc", "csv"), "M_D_acc.csv");
});

Deno.test("file name helpers refuse names that would leave the folder", () => {
  assert.throws(() => predictionFileName("../x", "D", "xlsx"), {
    name: "RangeError",
    message:
      'Cannot build a file name as the model name must not contain a path separator or NUL: current value is "../x"',
  });
  assert.throws(() => scoreFileStem("M", ".."), /dataset name must not be \. or \.\./);
  assert.throws(() => scoreFileStem("", "D"), /must not be empty/);
  assert.throws(() => scoreFileName("M", "D", "a\\b", "csv"), /suffix name/);
});

Deno.test("predictionColumns() drops image and appends prediction once", () => {
  assert.deepEqual(
    predictionColumns(["index", "image", "question", "A"]),
    ["index", "question", "A", "prediction"],
  );
  assert.deepEqual(predictionColumns(["index", "prediction"]), ["index", "prediction"]);
  assert.deepEqual(
    predictionColumns(["index"], ["prediction", "thinking"]),
    ["index", "prediction", "thinking"],
  );
});
