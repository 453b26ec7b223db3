import assert from "node:assert/strict";
import { buildLeaderboard, formatRate, formatScore } from "./leaderboard.ts";
import { scanWorkDir } from "./scan/work_dir.ts";
import { summaryCsv, summaryJson, summaryText } from "./summary.ts";
import { writePartialWorkDir } from "./testing/partial_work_dir.ts";

Deno.test("formatScore() prints as Python's '{:.4g}'", () => {
  // Expected values from python3 -c "print('{:.4g}'.format(x))".
  const cases: [number, string][] = [
    [0.9033333333333333, "0.9033"],
    [1, "1"],
    [0.953125, "0.9531"],
    [100, "100"],
    [12345, "1.234e+04"],
    [0.0001234, "0.0001234"],
    [0.00001234, "1.234e-05"],
    [2.5, "2.5"],
    [0, "0"],
    [-0.5, "-0.5"],
    [99.99, "99.99"],
    [9999.5, "1e+04"],
    [1e21, "1e+21"],
    [0.23666666666666666, "0.2367"],
    [0.12345, "0.1235"],
    [1.0005, "1"],
    [0.00012345, "0.0001234"],
  ];
  for (const [value, text] of cases) assert.equal(formatScore(value), text, String(value));
  assert.equal(formatRate(0.125), "12.5%");
});

async function withWorkDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval-viewer-" });
  try {
    await fn(await writePartialWorkDir(dir));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("buildLeaderboard() puts each model's primary metric and failure rate in its benchmark's column", async () => {
  await withWorkDir(async (dir) => {
    const board = buildLeaderboard(await scanWorkDir(dir));
    assert.deepEqual(board.models, ["ModelA", "ModelB"]);
    assert.deepEqual(board.metrics, ["split=none|Overall", undefined, undefined, undefined]);
    const [a, b] = board.cells;
    assert.deepEqual(
      a.map((c) => [c?.state, c?.value, c?.failRate]),
      [["done", 0.2, 0.2], ["done", undefined, 0], ["error", undefined, undefined], [
        "running",
        undefined,
        1 / 3,
      ]],
    );
    assert.equal(b[0]?.value, 1);
    assert.equal(b[0]?.scoreFile, "ModelB/ModelB_Bench_MCQ_acc.csv");
    assert.deepEqual(b.slice(1), [undefined, undefined, undefined]);
  });
});

Deno.test("summaryText() prints one line per benchmark and one column per model", async () => {
  await withWorkDir(async (dir) => {
    const lines = summaryText(await scanWorkDir(dir)).split("\n");
    assert.match(lines[0], /^benchmark\s+metric\s+ModelA\s+ModelB$/);
    assert.match(
      lines[2],
      /^Bench_MCQ\s+split=none\|Overall\s+0\.2 \(fail 20\.0%\)\s+1 \(fail 0\.0%\)$/,
    );
    assert.match(lines[3], /^Bench_YN\s+-\s+no score \(fail 0\.0%\)\s+-$/);
    assert.match(lines[4], /^Bench_Err\s+-\s+error\s+-$/);
    assert.match(lines[5], /^Bench_Run\s+-\s+running \(fail 33\.3%\)\s+-$/);
  });
});

Deno.test("summaryCsv() and summaryJson() give one record per (model, benchmark)", async () => {
  await withWorkDir(async (dir) => {
    const scan = await scanWorkDir(dir);
    const csv = summaryCsv(scan).trimEnd().split("\n");
    assert.equal(
      csv[0],
      `"model","benchmark","state","metric","value","fail_rate","samples","score_file"`,
    );
    assert.equal(
      csv[1],
      `"ModelA","Bench_MCQ","done","split=none|Overall","0.2","0.2","5","ModelA/ModelA_Bench_MCQ_acc.csv"`,
    );
    assert.equal(csv.length, 1 + 5);
    const json = JSON.parse(summaryJson(scan));
    assert.equal(json.results.length, 5);
    assert.deepEqual(json.results[4], {
      model: "ModelB",
      benchmark: "Bench_MCQ",
      state: "done",
      metric: "split=none|Overall",
      value: 1,
      fail_rate: 0,
      samples: 5,
      score_file: "ModelB/ModelB_Bench_MCQ_acc.csv",
    });
    assert.equal(json.problems.length, 4);
  });
});

Deno.test("summaryCsv() keeps a model name that looks like a formula from running in a spreadsheet", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval-viewer-" });
  try {
    await Deno.mkdir(`${dir}/=HYPERLINK(1)`);
    await Deno.writeTextFile(`${dir}/=HYPERLINK(1)/=HYPERLINK(1)_D.json`, "[]");
    const csv = summaryCsv(await scanWorkDir(dir));
    assert.match(csv.split("\n")[1], /^"'=HYPERLINK\(1\)","D",/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
