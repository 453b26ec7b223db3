import assert from "node:assert/strict";
import { groupModelFiles } from "./model_files.ts";

const files = (...names: string[]) =>
  names.map((name) => ({ name, isDirectory: name.endsWith(".journal") }));

Deno.test("groupModelFiles() gives each score file to the longest benchmark name it starts with", () => {
  const { benchmarks, stray } = groupModelFiles(
    "M",
    files(
      "M_MMBench_DEV_EN.xlsx",
      "M_MMBench_DEV_EN_acc.csv",
      "M_MMBench_DEV_EN_V11.xlsx",
      "M_MMBench_DEV_EN_V11_acc.csv",
      "M_MMBench_DEV_EN_V11_gpt-4o-mini_result.xlsx",
      "M_MMBench_DEV_EN_V11_gpt-4o-mini_judge.jsonl",
      "status.json",
      "other.txt",
    ),
    ["MMBench_DEV_EN", "MMBench_DEV_EN_V11"],
  );
  assert.deepEqual([...benchmarks.keys()].sort(), ["MMBench_DEV_EN", "MMBench_DEV_EN_V11"]);
  assert.equal(benchmarks.get("MMBench_DEV_EN")!.prediction, "M_MMBench_DEV_EN.xlsx");
  assert.deepEqual(benchmarks.get("MMBench_DEV_EN")!.aux.map((a) => a.suffix), ["acc"]);
  assert.deepEqual(
    benchmarks.get("MMBench_DEV_EN_V11")!.aux.map((a) => `${a.suffix}.${a.ext}`),
    ["acc.csv", "gpt-4o-mini_judge.jsonl", "gpt-4o-mini_result.xlsx"],
  );
  assert.deepEqual(stray, []);
});

Deno.test("groupModelFiles() finds benchmarks without status.json from prediction files and journals", () => {
  const { benchmarks } = groupModelFiles(
    "M",
    files(
      "M_A_B.xlsx",
      "M_A_B_exact_matching_result.xlsx",
      "M_A_B_rating.json",
      "M_A_B_score.json",
      "M_Vid_8frame_nopack.journal",
      "M_Pred.json",
      "M_Pred_acc.json",
      "M_Long.xlsx",
      "M_Long.tsv",
    ),
  );
  assert.deepEqual([...benchmarks.keys()].sort(), ["A_B", "Long", "Pred", "Vid_8frame_nopack"]);
  assert.equal(benchmarks.get("Vid_8frame_nopack")!.journal, "M_Vid_8frame_nopack.journal");
  assert.equal(benchmarks.get("Pred")!.prediction, "M_Pred.json");
  assert.deepEqual(benchmarks.get("Pred")!.aux.map((a) => a.name), ["M_Pred_acc.json"]);
  // The .tsv beside an .xlsx of the same stem holds its long cells: not a benchmark of its own.
  assert.equal(benchmarks.get("Long")!.prediction, "M_Long.xlsx");
  assert.deepEqual(benchmarks.get("Long")!.aux, []);
});

Deno.test("groupModelFiles() leaves files of other models and stray files out", () => {
  const { benchmarks, stray } = groupModelFiles(
    "M",
    files("N_D.xlsx", "M_.xlsx", "M_D_acc.csv"),
  );
  assert.equal(benchmarks.size, 0);
  assert.deepEqual(stray, ["M_.xlsx", "M_D_acc.csv"]);
});
