import assert from "node:assert/strict";
import { writeCsv, writePredictions } from "@vlmeval/report";
import { writePartialWorkDir } from "../testing/partial_work_dir.ts";
import { scanWorkDir, WorkDirError } from "./work_dir.ts";

async function withWorkDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval-viewer-" });
  try {
    await fn(await writePartialWorkDir(dir));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("scanWorkDir() reads a work dir with partial and broken results and says what is wrong", async () => {
  await withWorkDir(async (dir) => {
    const scan = await scanWorkDir(dir, { rows: true });
    assert.deepEqual(scan.models.map((m) => m.name), ["ModelA", "ModelB"]);
    assert.deepEqual(scan.benchmarks, ["Bench_MCQ", "Bench_YN", "Bench_Err", "Bench_Run"]);
    const a = new Map(scan.models[0].datasets.map((d) => [d.dataset, d]));
    assert.deepEqual(
      [...a].map(([name, d]) => [name, d.state]),
      [["Bench_MCQ", "done"], ["Bench_YN", "done"], ["Bench_Err", "error"], [
        "Bench_Run",
        "running",
      ]],
    );
    // The corrupt result file is reported, and the rows come from the prediction file instead.
    const mcq = a.get("Bench_MCQ")!;
    assert.equal(mcq.table?.source, "ModelA/ModelA_Bench_MCQ.xlsx");
    assert.equal(mcq.primary?.value, 0.2);
    assert.equal(mcq.primary?.key, "split=none|Overall");
    assert.equal(mcq.failRate, 0.2, "status.json's infer_fail_rate");
    // A running benchmark shows what its journal holds.
    const run = a.get("Bench_Run")!;
    assert.equal(run.journal?.records, 3);
    assert.equal(run.table?.rows.length, 3);
    assert.ok(Math.abs(run.failRate! - 1 / 3) < 1e-12);
    // ModelB's status.json is damaged: its state comes from its files.
    const b = scan.models[1].datasets[0];
    assert.equal(scan.models[1].status, undefined);
    assert.equal(b.state, "done");
    assert.equal(b.resultFile, "ModelB/ModelB_Bench_MCQ_exact_matching_result.xlsx");
    assert.deepEqual(b.scoreFiles.map((f) => f.suffix), ["acc", "rating"]);
    assert.equal(b.failRate, 0);

    const text = scan.problems.map((p) => `${p.severity} ${p.model}/${p.dataset}: ${p.message}`);
    const expect = [
      /^unreadable ModelA\/Bench_MCQ: Cannot read ModelA\/ModelA_Bench_MCQ_exact_matching_result\.xlsx/,
      /^missing ModelA\/Bench_YN: status\.json says scored, but no score file was found$/,
      /^missing ModelA\/Bench_Err: failed: Cannot open Bench_Err\.tsv/,
      /^missing ModelA\/Bench_Run: still running: 3 answers journaled so far/,
      /^unreadable ModelB\/undefined: Cannot read ModelB\/status\.json/,
    ];
    assert.equal(text.length, expect.length, text.join("\n"));
    expect.forEach((re, k) => assert.match(text[k], re));
    assert.equal(scan.memory?.plots.length, 1);
  });
});

Deno.test("scanWorkDir() without rows reads a table only for a failure rate status.json lacks", async () => {
  await withWorkDir(async (dir) => {
    const scan = await scanWorkDir(dir);
    assert.ok(scan.models.every((m) => m.datasets.every((d) => d.table === undefined)));
    assert.equal(scan.models[1].datasets[0].failRate, 0);
    assert.ok(!scan.problems.some((p) => p.message.includes("exact_matching_result")));
  });
});

Deno.test("scanWorkDir() takes a journal that stopped long ago for an incomplete run", async () => {
  await withWorkDir(async (dir) => {
    const scan = await scanWorkDir(dir, { now: Date.now() + 3_600_000 });
    const run = scan.models[0].datasets.find((d) => d.dataset === "Bench_Run")!;
    assert.equal(run.state, "incomplete");
    assert.ok(
      scan.problems.some((p) =>
        /stopped before every sample had an answer \(3 answers/.test(p.message)
      ),
    );
  });
});

Deno.test("scanWorkDir() refuses a missing folder, a file, and a folder without results", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval-viewer-" });
  try {
    await Deno.mkdir(`${dir}/images/Bench`, { recursive: true });
    await Deno.writeTextFile(`${dir}/file.txt`, "x");
    const refused = (re: RegExp) => (e: unknown) => e instanceof WorkDirError && re.test(e.message);
    await assert.rejects(scanWorkDir(`${dir}/absent`), refused(/does not exist/));
    await assert.rejects(scanWorkDir(`${dir}/file.txt`), refused(/is not a folder/));
    await assert.rejects(scanWorkDir(dir), refused(/no folder in it holds results/));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("scanWorkDir() keeps the score of a run over the failure threshold and says it failed", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval-viewer-" });
  try {
    await Deno.mkdir(`${dir}/M`);
    await writePredictions(`${dir}/M/M_B.xlsx`, ["index", "prediction"], [
      { index: "0", prediction: "Failed to obtain answer via API. HTTP 500 (6 attempts)" },
      { index: "1", prediction: "A" },
    ]);
    await writeCsv(`${dir}/M/M_B_acc.csv`, {
      columns: ["split", "Overall"],
      rows: [["none", 0.5]],
    });
    await Deno.writeTextFile(
      `${dir}/M/status.json`,
      JSON.stringify({
        datasets: {
          B: { status: "failed", error_message: "2 of 2 samples failed", exit_code: 8 },
        },
      }),
    );
    const scan = await scanWorkDir(dir);
    const run = scan.models[0].datasets[0];
    assert.equal(run.state, "failed");
    assert.equal(run.primary?.value, 0.5);
    assert.equal(run.failRate, 0.5);
    assert.deepEqual(scan.problems.map((p) => p.message), [
      "too many samples failed: 2 of 2 samples failed; rerun to retry them",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
