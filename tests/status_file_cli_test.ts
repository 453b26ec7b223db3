/**
 * End-to-end: `<work-dir>/<model>/status.json` records how each dataset's last run ended, in
 * VLMEvalKit's status.json shape, across runs and across a failing dataset.
 */
import assert from "node:assert/strict";
import { runProcess, writeMcqTsv } from "./helpers/distributed_cli.ts";

Deno.test("status.json records done, infer and error per dataset and keeps earlier ones", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval-status-" });
  try {
    await writeMcqTsv(`${dir}/Good.tsv`, 8);
    await writeMcqTsv(`${dir}/Broken.tsv`, 3);
    await Deno.writeTextFile(`${dir}/Broken.tsv`, "9\tnot enough fields\n", { append: true });
    const base = ["--model", "ConstantAnswer", "--work-dir", dir];
    const first = await runProcess([...base, "--data", `${dir}/Good.tsv`, `${dir}/Broken.tsv`]);
    assert.equal(first.code, 4, first.stderr);

    const path = `${dir}/ConstantAnswer/status.json`;
    const status = JSON.parse(await Deno.readTextFile(path));
    assert.equal(status.schema_version, "1.0");
    assert.equal(status.model_name, "ConstantAnswer");
    assert.equal(status.world_size, 1);
    assert.equal(status.pred_format, "xlsx");
    const good = status.datasets.Good;
    assert.equal(good.status, "done");
    assert.equal(good.prediction_file, "ConstantAnswer_Good.xlsx");
    assert.equal(good.judge_model, "exact_matching");
    assert.equal(good.infer_fail_rate, 0);
    assert.equal(good.samples, 8);
    // writeMcqTsv's answers cycle A, B, C, D: "A" is right for 2 of 8.
    assert.equal(good.metrics["split=none|Overall"], 0.25);
    assert.match(good.primary_metric, /accuracy, exact matching/);
    const broken = status.datasets.Broken;
    assert.equal(broken.status, "error");
    assert.equal(broken.exit_code, 4);
    assert.match(broken.error_message, /Broken\.tsv/);

    // A later run of one dataset replaces its entry and keeps the others.
    await writeMcqTsv(`${dir}/Other.tsv`, 4);
    const second = await runProcess([...base, "--data", `${dir}/Other.tsv`, "--mode", "infer"]);
    assert.equal(second.code, 0, second.stderr);
    const after = JSON.parse(await Deno.readTextFile(path));
    assert.deepEqual(Object.keys(after.datasets).sort(), ["Broken", "Good", "Other"]);
    assert.equal(after.datasets.Other.status, "infer");
    assert.equal(after.mode, "infer");
    assert.equal(after.created_at, status.created_at);
    assert.deepEqual(after.datasets.Good, good);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("status.json names a video benchmark that could not open as its runs are named", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval-status-" });
  try {
    const base = ["--model", "ConstantAnswer", "--work-dir", dir, "--data", "Shapes_Video_8frame"];
    const broken = await runProcess([...base, "--mode", "infer"], {
      env: { FFMPEG_BIN: `${dir}/no-ffmpeg` },
    });
    assert.notEqual(broken.code, 0, broken.stderr);
    const path = `${dir}/ConstantAnswer/status.json`;
    const before = JSON.parse(await Deno.readTextFile(path));
    assert.deepEqual(Object.keys(before.datasets), ["Shapes_Video_8frame_nopack"]);
    assert.equal(before.datasets.Shapes_Video_8frame_nopack.status, "error");
    const good = await runProcess([...base, "--mode", "infer"]);
    assert.equal(good.code, 0, good.stderr);
    const after = JSON.parse(await Deno.readTextFile(path));
    assert.deepEqual(Object.keys(after.datasets), ["Shapes_Video_8frame_nopack"]);
    assert.equal(after.datasets.Shapes_Video_8frame_nopack.status, "infer");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
