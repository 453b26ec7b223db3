/**
 * End-to-end: the process-level faults, through the real CLI. A sticky CUDA error met by the
 * cache release of `--empty-cache always` (the FaultInjection CUDA driver's `sync-error`) ends
 * the run with exit 3 before the next benchmark starts; a sample that crashes its worker (the
 * FaultInjection model kills its own process) is recorded as failed with the signal after 3
 * crashes instead of being retried forever.
 */
import assert from "node:assert/strict";
import { EXIT_CODES } from "@vlmeval/schema";
import { readPredictions } from "@vlmeval/report";
import {
  buildFaultInjectionLibraries,
  faultInjectionEnv,
  hasCompiler,
} from "@vlmeval/native/testing";
import { journalPath, predictionPath, runProcess, writeMcqTsv } from "./helpers/distributed_cli.ts";
import { journalIndices } from "./helpers/kill_resume.ts";
import { cliArgs, faultModelEnv, tempDirRunner } from "./helpers/temp_dir.ts";

const withTemp = tempDirRunner("vlmeval-crash-");

const faults = (config: object) => faultModelEnv(config);

Deno.test({
  name: "a sticky CUDA error in --empty-cache always's release exits 3 before the next benchmark",
  ignore: !hasCompiler(),
  async fn() {
    await withTemp(async (dir) => {
      const libs = await buildFaultInjectionLibraries();
      try {
        await writeMcqTsv(`${dir}/First.tsv`, 4);
        await writeMcqTsv(`${dir}/Second.tsv`, 4);
        const run = await runProcess([
          "--model",
          "ConstantAnswer",
          "--data",
          `${dir}/First.tsv`,
          `${dir}/Second.tsv`,
          "--work-dir",
          `${dir}/out`,
          "--skip-err",
          "--empty-cache",
          "always",
          "--quiet",
        ], { env: faultInjectionEnv(libs, "sync-error") });
        assert.equal(run.code, EXIT_CODES.stickyCuda, run.stderr);
        assert.match(run.stderr, /sticky CUDA error on sample 0 .*CUDA_ERROR_ILLEGAL_ADDRESS/);
        // The first answer is kept; the next benchmark never ran on the dead context.
        const first = journalIndices(
          `${journalPath(`${dir}/out`, "ConstantAnswer", "First")}/rank0of1.jsonl`,
        );
        assert.deepEqual(first, ["0"]);
        assert.throws(
          () => Deno.statSync(journalPath(`${dir}/out`, "ConstantAnswer", "Second")),
          Deno.errors.NotFound,
        );
      } finally {
        await Deno.remove(libs.dir, { recursive: true });
      }
    });
  },
});

Deno.test("a sample that crashes its worker 3 times is recorded as failed with the signal", async () => {
  await withTemp(async (dir) => {
    await writeMcqTsv(`${dir}/Bench.tsv`, 20);
    const args = cliArgs(dir, "FaultInjection", "--nproc", "2", "--quiet");
    // Index 3 (rank 1's shard) kills its process with SIGKILL every time it is asked.
    const env = faults({ crashOn: ["3"] });
    const stopped = await runProcess(args, { env });
    assert.equal(stopped.code, EXIT_CODES.sampleFailed, stopped.stderr);
    assert.match(
      stopped.stderr,
      /rank 1 was killed by SIGKILL while on sample 3 \(crash 3 of 3 on it\): recorded as failed/,
    );
    assert.match(stopped.stderr, /pass --skip-err to go on past such samples/);

    // With --skip-err the recorded sample is not tried again in the run, which finishes; the
    // other samples were each computed once.
    const rerun = await runProcess([...args, "--skip-err"], { env });
    const journal = journalPath(`${dir}/out`, "FaultInjection", "Bench");
    assert.equal(rerun.code, 0, rerun.stderr);
    const table = await readPredictions(predictionPath(`${dir}/out`, "FaultInjection", "Bench"));
    const byIndex = new Map(table.rows.map((r) => [r.index, r.prediction]));
    assert.equal(
      byIndex.get("3"),
      "Failed to obtain answer: WorkerCrash the worker process was killed by SIGKILL on this " +
        "sample 4 times",
    );
    const answers = [0, 1].flatMap((rank) => journalIndices(`${journal}/rank${rank}of2.jsonl`))
      .filter((index) => index !== "3");
    assert.equal(answers.length, 19, "every other sample computed once");
    assert.equal(new Set(answers).size, 19);
  });
});
