/**
 * End-to-end: `vlmeval` with no arguments runs the embedded default (the bundled ShapesVLM on
 * the bundled image and video benchmarks, wasm backend) and prints its scores; a second run
 * reuses every answer.
 */
import assert from "node:assert/strict";
import { readPredictions } from "@vlmeval/report";
import { cliCommand } from "./helpers/distributed_cli.ts";

async function runDefault(cwd: string, extra: string[] = []) {
  const [command, ...prefix] = cliCommand();
  const out = await new Deno.Command(command, {
    args: [...prefix, ...extra],
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

function overall(stdout: string, benchmark: string): number {
  const line = stdout.split("\n").find((l) => l.startsWith(`${benchmark} `));
  assert.ok(line, `the summary has a line for ${benchmark}:\n${stdout}`);
  return Number(line.trim().split(/\s+/)[1]);
}

Deno.test("the embedded default evaluates the bundled model on images and video", async () => {
  const cwd = await Deno.makeTempDir({ prefix: "vlmeval-default-" });
  try {
    const first = await runDefault(cwd, ["--quiet"]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /running the embedded default/);
    assert.ok(overall(first.stdout, "Shapes_MCQ") >= 0.8, first.stdout);
    assert.ok(overall(first.stdout, "Shapes_Video_8frame_nopack") >= 0.7, first.stdout);

    const dir = `${cwd}/outputs/ShapesVLM`;
    const image = await readPredictions(`${dir}/ShapesVLM_Shapes_MCQ.xlsx`);
    assert.ok(image.rows.length >= 200);
    assert.ok(!image.columns.includes("image"), "the image column is not written out");
    assert.equal(image.columns.at(-1), "prediction");
    for (
      const f of [
        "ShapesVLM_Shapes_MCQ_acc.csv",
        "ShapesVLM_Shapes_MCQ_exact_matching_result.xlsx",
        "ShapesVLM_Shapes_Video_8frame_nopack.xlsx",
        "ShapesVLM_Shapes_Video_8frame_nopack_acc.csv",
      ]
    ) {
      assert.ok((await Deno.stat(`${dir}/${f}`)).size > 0, f);
    }
    // Video-MME's rating: per duration class and task type, fractions with 3 decimals.
    const rating = JSON.parse(
      await Deno.readTextFile(`${dir}/ShapesVLM_Shapes_Video_8frame_nopack_rating.json`),
    );
    assert.deepEqual(Object.keys(rating), ["short", "overall"]);
    assert.equal(
      Number(rating.overall.overall).toFixed(3),
      overall(first.stdout, "Shapes_Video_8frame_nopack").toFixed(3),
    );
    assert.match(rating.overall.task_type["Motion Direction"], /^[01]\.\d{3}$/);
    const frames = [...Deno.readDirSync(`${cwd}/outputs/images/Shapes_Video`)];
    assert.ok(frames.length > 0, "video frames are cached under the work dir");

    const second = await runDefault(cwd, ["--quiet"]);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /0 done, \d+ reused, 0 failed/);
    assert.equal(overall(second.stdout, "Shapes_MCQ"), overall(first.stdout, "Shapes_MCQ"));

    // --mode eval re-scores the existing prediction files without running the model.
    await Deno.remove(`${dir}/ShapesVLM_Shapes_MCQ_acc.csv`);
    const rescored = await runDefault(cwd, ["--mode", "eval", "--quiet"]);
    assert.equal(rescored.code, 0, rescored.stderr);
    assert.equal(overall(rescored.stdout, "Shapes_MCQ"), overall(first.stdout, "Shapes_MCQ"));
    assert.ok((await Deno.stat(`${dir}/ShapesVLM_Shapes_MCQ_acc.csv`)).size > 0);
    assert.doesNotMatch(rescored.stderr, /samples on this rank/, "no inference in eval mode");
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test("pack mode answers every question of a video in one call", async () => {
  const cwd = await Deno.makeTempDir({ prefix: "vlmeval-pack-" });
  try {
    const run = await runDefault(cwd, [
      "--model",
      "ShapesVLM",
      "--data",
      "Shapes_Video_8frame_pack",
      "--quiet",
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(overall(run.stdout, "Shapes_Video_8frame_pack") >= 0.7, run.stdout);
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});
