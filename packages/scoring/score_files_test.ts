import assert from "node:assert/strict";
import { type ScoreFileContent, scoreFilePath, type ScoreFileSpec } from "./score_files.ts";

const table: ScoreFileContent = { kind: "table", table: { columns: [], rows: [] } };

Deno.test("scoreFilePath() names files as get_intermediate_file_path, by format", () => {
  const specs: ScoreFileSpec[] = [
    { suffix: "_acc", format: "eval", content: table },
    { suffix: "_results", format: "pred", content: table },
    { suffix: "_gpt-4o-mini_score", format: "csv", content: table },
    { suffix: "_score", format: "json", content: table },
  ];
  assert.deepEqual(specs.map((s) => scoreFilePath("w/M/M_D", s)), [
    "w/M/M_D_acc.csv",
    "w/M/M_D_results.xlsx",
    "w/M/M_D_gpt-4o-mini_score.csv",
    "w/M/M_D_score.json",
  ]);
  assert.deepEqual(specs.map((s) => scoreFilePath("M_D", s, { eval: "json", pred: "tsv" })), [
    "M_D_acc.json",
    "M_D_results.tsv",
    "M_D_gpt-4o-mini_score.csv",
    "M_D_score.json",
  ]);
});
