/**
 * End-to-end: every exit code `vlmeval eval --help` documents, produced by the real CLI as a
 * process. The codes come from the error classes themselves (`exitCode`), so this also pins
 * that each class the CLI can meet carries the code the help promises.
 */
import assert from "node:assert/strict";
import { EXIT_CODES } from "@vlmeval/schema";
import { startLoopbackVllmServer } from "@vlmeval/models/testing";
import {
  cliCommand,
  journalLines,
  journalPath,
  runProcess,
  waitFor,
  writeMcqTsv,
} from "./helpers/distributed_cli.ts";
import { faultModelEnv, tempDirRunner } from "./helpers/temp_dir.ts";

const faults = (config: object) => faultModelEnv(config);

const withTemp = tempDirRunner("vlmeval-exit-");

/** Runs `vlmeval eval` on `<dir>/Mcq.tsv` (4 rows) with `args` and returns its outcome. */
async function evalIn(dir: string, args: string[], env: Record<string, string> = {}) {
  await writeMcqTsv(`${dir}/Mcq.tsv`, 4);
  return await runProcess(["eval", "--work-dir", `${dir}/out`, "--quiet", ...args], {
    env: { LMUData: dir, ...env },
  });
}

const MCQ = (dir: string) => ["--data", `${dir}/Mcq.tsv`];

Deno.test("vlmeval eval exits with every documented code, each from the class that ends the run", async (t) => {
  await t.step("0: every sample finished", () =>
    withTemp(async (dir) => {
      const run = await evalIn(dir, ["--model", "ConstantAnswer", ...MCQ(dir)]);
      assert.equal(run.code, EXIT_CODES.ok, run.stderr);
    }));

  await t.step("1: a sample failed without --skip-err", () =>
    withTemp(async (dir) => {
      const run = await evalIn(
        dir,
        ["--model", "FaultInjection", ...MCQ(dir)],
        faults({
          failOn: ["2"],
        }),
      );
      assert.equal(run.code, EXIT_CODES.sampleFailed, run.stderr);
      assert.match(run.stderr, /Sample 2 failed/);
    }));

  await t.step(
    "2: a bad command line, an unknown model or benchmark name",
    () =>
      withTemp(async (dir) => {
        const flag = await evalIn(dir, ["--mode", "sometimes", ...MCQ(dir)]);
        assert.equal(flag.code, EXIT_CODES.usage, flag.stderr);
        const model = await evalIn(dir, ["--model", "NoSuchModel", ...MCQ(dir)]);
        assert.equal(model.code, EXIT_CODES.usage, model.stderr);
        assert.match(model.stderr, /Cannot build model "NoSuchModel"/);
        const missing = await evalIn(dir, ["--model", "ConstantAnswer", "--data", "NoSuchBench"]);
        assert.equal(missing.code, EXIT_CODES.usage, missing.stderr);
        const pace = await evalIn(dir, ["--model", "ConstantAnswer", ...MCQ(dir)], {
          VLMEVAL_GC_EVERY_MS: "often",
        });
        assert.equal(pace.code, EXIT_CODES.usage, pace.stderr);
        assert.match(pace.stderr, /VLMEVAL_GC_EVERY_MS must be a whole number .*"often"/);
      }),
  );

  await t.step("3: a sticky CUDA error", () =>
    withTemp(async (dir) => {
      const run = await evalIn(dir, ["--model", "FaultInjection", "--skip-err", ...MCQ(dir)], {
        ...faults({ stickyOn: ["1"] }),
      });
      assert.equal(run.code, EXIT_CODES.stickyCuda, run.stderr);
    }));

  await t.step(
    "4: a malformed image TSV, video TSV or prediction file",
    () =>
      withTemp(async (dir) => {
        await Deno.writeTextFile(
          `${dir}/BadImages.tsv`,
          "index\timage_path\tquestion\n1\ta.png\tq\n1\tb.png\tq\n",
        );
        const image = await evalIn(dir, ["--model", "ConstantAnswer", "--data", "BadImages"]);
        assert.equal(image.code, EXIT_CODES.badInput, image.stderr);
        assert.match(image.stderr, /index is not unique/);

        await Deno.writeTextFile(`${dir}/BadVideo.tsv`, "index\tvideo\n0\tclip\n");
        const video = await evalIn(dir, ["--model", "ConstantAnswer", "--data", "BadVideo_8frame"]);
        assert.equal(video.code, EXIT_CODES.badInput, video.stderr);
        assert.match(video.stderr, /has no "question" column/);
        // Said once, not once per wrapping layer.
        assert.equal(video.stderr.match(/has no "question" column/g)?.length, 1, video.stderr);

        await Deno.mkdir(`${dir}/out/ConstantAnswer`, { recursive: true });
        await Deno.writeTextFile(`${dir}/out/ConstantAnswer/ConstantAnswer_Mcq.xlsx`, "not a zip");
        const predictions = await evalIn(dir, [
          "--model",
          "ConstantAnswer",
          "--mode",
          "eval",
          ...MCQ(dir),
        ]);
        assert.equal(predictions.code, EXIT_CODES.badInput, predictions.stderr);
        assert.match(predictions.stderr, /ConstantAnswer_Mcq\.xlsx/);
      }),
  );

  await t.step("5: rank 0 timed out waiting for another rank", () =>
    withTemp(async (dir) => {
      const run = await evalIn(dir, [
        "--model",
        "ConstantAnswer",
        ...MCQ(dir),
        "--rank",
        "0::2",
        "--rank-timeout",
        "1",
      ]);
      assert.equal(run.code, EXIT_CODES.rankTimeout, run.stderr);
      assert.match(run.stderr, /waiting for ranks 1/);
    }));

  await t.step(
    "6: a missing prerequisite (ffmpeg for a video benchmark)",
    () =>
      withTemp(async (dir) => {
        const run = await evalIn(dir, [
          "--model",
          "ConstantAnswer",
          "--data",
          "Shapes_Video_8frame",
        ], {
          FFMPEG_BIN: `${dir}/no-ffmpeg-here`,
        });
        assert.equal(run.code, EXIT_CODES.missingPrerequisite, run.stderr);
        assert.match(run.stderr, /no working ffmpeg/);
      }),
  );

  await t.step(
    "7: a served model's endpoint fails its check (EndpointCheckError)",
    () =>
      withTemp(async (dir) => {
        const closed = startLoopbackVllmServer();
        await closed.close();
        const run = await evalIn(dir, ["--model", "m", "--base-url", closed.baseUrl, ...MCQ(dir)]);
        assert.equal(run.code, EXIT_CODES.endpoint, run.stderr);
        assert.match(run.stderr, /connection refused/);
      }),
  );

  await t.step("8: too many samples failed (--fail-on-error)", () =>
    withTemp(async (dir) => {
      const run = await evalIn(dir, ["--model", "FaultInjection", "--skip-err", ...MCQ(dir)], {
        ...faults({ failOn: ["0", "1"] }),
      });
      assert.equal(run.code, EXIT_CODES.tooManyFailures, run.stderr);
      assert.match(run.stderr, /more than 10% \(--fail-on-error 0\.1\)/);
    }));

  await t.step(
    "75: another run is writing the benchmark (the message names it)",
    () =>
      withTemp(async (dir) => {
        const journal = journalPath(`${dir}/out`, "ConstantAnswer", "Mcq");
        await Deno.mkdir(journal, { recursive: true });
        await Deno.writeTextFile(
          `${journal}/rank0of1.lock`,
          `${Deno.pid}\n${Deno.hostname()}\nt\n\n`,
        );
        const run = await evalIn(dir, ["--model", "ConstantAnswer", ...MCQ(dir)]);
        assert.equal(run.code, EXIT_CODES.busy, run.stderr);
        assert.match(
          run.stderr,
          new RegExp(`another run is writing it .*pid ${Deno.pid} on ${Deno.hostname()}`),
        );
      }),
  );

  await t.step("130: interrupted by SIGINT, finished samples kept", () =>
    withTemp(async (dir) => {
      await writeMcqTsv(`${dir}/Mcq.tsv`, 40);
      const [command, ...prefix] = cliCommand();
      const child = new Deno.Command(command, {
        args: [
          ...prefix,
          "eval",
          "--model",
          "FaultInjection",
          ...MCQ(dir),
          "--work-dir",
          `${dir}/out`,
          "--quiet",
        ],
        env: faults({ delayMs: 100 }),
        stdin: "null",
        stdout: "null",
        stderr: "piped",
      }).spawn();
      const journal = `${dir}/out/FaultInjection/FaultInjection_Mcq.journal`;
      await waitFor("a first answer", () => journalLines(journal, 0, 1) > 0);
      child.kill("SIGINT");
      const status = await child.output();
      assert.equal(status.code, EXIT_CODES.interrupted, new TextDecoder().decode(status.stderr));
      assert.ok(journalLines(journal, 0, 1) < 40);
    }));
});
