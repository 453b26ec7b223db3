import assert from "node:assert/strict";
import { writeMcqTsv } from "@vlmeval/datasets/testing";
import { ConstantAnswerModel } from "@vlmeval/models";
import { EXIT_CODES } from "@vlmeval/schema";
import { NO_GPU } from "./loop/guard.ts";
import { SILENT_PROGRESS } from "./loop/progress.ts";
import { type EvaluationOptions, runEvaluation, worseExitCode } from "./run_evaluation.ts";

Deno.test("worseExitCode() keeps the more severe code, sticky CUDA the worst", () => {
  assert.equal(worseExitCode(EXIT_CODES.ok, EXIT_CODES.sampleFailed), 1);
  assert.equal(worseExitCode(EXIT_CODES.badInput, EXIT_CODES.sampleFailed), 4);
  assert.equal(worseExitCode(EXIT_CODES.interrupted, EXIT_CODES.stickyCuda), 3);
  assert.equal(worseExitCode(EXIT_CODES.stickyCuda, EXIT_CODES.usage), 3);
});

Deno.test("runEvaluation() runs every model on every dataset, records each, skips a model that cannot be built", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval_run_evaluation_" });
  try {
    await writeMcqTsv(`${dir}/Mcq.tsv`, 3);
    const built: string[] = [];
    const errors: string[] = [];
    const opts: EvaluationOptions = {
      models: ["Good", "Broken"],
      data: [`${dir}/Mcq.tsv`, `${dir}/Missing.tsv`],
      createModel: (name) => {
        built.push(name);
        if (name === "Broken") return Promise.reject(new Error("no weights"));
        return Promise.resolve(new ConstantAnswerModel());
      },
      open: { workDir: `${dir}/out` },
      job: {
        mode: "all",
        skipErr: false,
        keepFailed: false,
        format: "tsv",
        evalFormat: "csv",
        gpu: NO_GPU,
        rankTimeoutMs: 10_000,
        warn: () => {},
      },
      rank: { rank: 0, worldSize: 1, localRank: 0, localWorldSize: 1, launcher: "single" },
      run: { argv: [], worldSize: 1, predFormat: "tsv", evalFormat: "csv", mode: "all" },
      judgeName: "exact_matching",
      progressFor: () => () => SILENT_PROGRESS,
      exitCodeForError: (err) => (err as { exitCode?: number }).exitCode ?? 1,
      describeError: (err) => (err as Error).message,
      onError: (model, data) => errors.push(`${model} ${data.split("/").at(-1)}`),
    };
    const result = await runEvaluation(opts);
    assert.equal(result.exitCode, EXIT_CODES.badInput, "a missing dataset is bad input (4)");
    assert.deepEqual(result.jobs.map((j) => [j.task, j.exitCode]), [
      ["Mcq", 0],
      ["Missing", 4],
      ["Mcq", 1],
    ], "a dataset that could not run is a result too, with its code");
    assert.equal(result.jobs[2].message, "no weights");
    assert.deepEqual(built, ["Good", "Broken"], "each model is built once, when needed");
    assert.deepEqual(errors, ["Good Missing.tsv", "Broken Mcq.tsv"], "Broken skips the rest");
    const good = JSON.parse(await Deno.readTextFile(`${dir}/out/Good/status.json`));
    assert.deepEqual(Object.keys(good.datasets).sort(), ["Mcq", "Missing"]);
    assert.equal(good.datasets.Mcq.status, "done");
    assert.equal(good.datasets.Missing.exit_code, 4);
    const broken = JSON.parse(await Deno.readTextFile(`${dir}/out/Broken/status.json`));
    assert.equal(broken.datasets.Mcq.error_message, "no weights");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
